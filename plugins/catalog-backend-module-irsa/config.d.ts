import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The IAM roles of the IRSA inventory as catalog Resources
       * (`@irsa-backstage/plugin-catalog-backend-module-irsa`).
       */
      irsa?: {
        /**
         * How often the roles are read from the IRSA backend's `GET /bindings`.
         * Default: every 10 minutes, 15 seconds after start, 5 minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** The catalog namespace of the role entities. Default `default`. */
        namespace?: string;
        /**
         * Owner entity ref of roles whose bindings have no owner in the
         * catalog. Unset (the default): such roles are not emitted.
         */
        defaultOwner?: string;
      };
    };
  };
}
