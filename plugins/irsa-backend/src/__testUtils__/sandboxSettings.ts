// The sandbox's settings and scratch resources live in a workspace package so
// that every package's sandbox tests (this plugin's, the scaffolder action's)
// share them.
export * from '@irsa-backstage/sandbox-test-utils';
