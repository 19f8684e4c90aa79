//

export * from '../models/ClusterList.model';
export * from '../models/ClusterStatus.model';
export * from '../models/EntityBinding.model';
export * from '../models/EntityBindingPodsInner.model';
export * from '../models/EntityBindingServiceAccount.model';
export * from '../models/EntityBindings.model';
export * from '../models/EntityBindingsErrorsInner.model';
export * from '../models/ErrorError.model';
export * from '../models/ErrorRequest.model';
export * from '../models/ErrorResponse.model';
export * from '../models/Finding.model';
export * from '../models/HealthStatus.model';
export * from '../models/ModelError.model';
export * from '../models/VerifyRequest.model';
