/**
 * Test helpers for tests that talk to the running sandbox (moto and the
 * kube-apiserver): its settings as app-config, and scratch resources that a
 * test creates and removes.
 *
 * @packageDocumentation
 */
export * from './settings';
export * from './scratch';
export * from './awsProxy';
export * from './kubeMetrics';
