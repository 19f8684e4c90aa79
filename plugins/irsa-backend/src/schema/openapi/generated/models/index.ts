//

export * from '../models/ClusterList.model';
export * from '../models/ClusterStatus.model';
export * from '../models/ErrorError.model';
export * from '../models/ErrorRequest.model';
export * from '../models/ErrorResponse.model';
export * from '../models/HealthStatus.model';
export * from '../models/ModelError.model';
