export interface Config {
  /**
   * Settings of this example backend (packages/backend), not of the IRSA
   * plugins: an adopter's own backend brings its own permission policy.
   */
  irsaDemo?: {
    /**
     * Grants of the example permission policy
     * (packages/backend/src/modules/permissionPolicy.ts). Each grant is a
     * list of user or group entity refs, e.g. `group:default/platform-security`,
     * or the single value `every-signed-in-user`. A grant that is not set is
     * held by nobody.
     */
    permissions?: {
      /**
       * Who may read the estate-wide inventory and the provisioning audit log,
       * and verify any service account of any cluster (`irsa.inventory.read`).
       */
      inventoryReaders?: string[];
      /**
       * Who may mark any IRSA binding reviewed (`irsa.review.create`);
       * an entity's owners may review its bindings regardless.
       */
      reviewers?: string[];
      /**
       * Who may register catalog locations (`catalog.location.create`). A
       * registered file can name any group as a component's owner, and owners
       * may provision IAM roles for their components.
       */
      locationRegistrars?: string[];
    };
  };
}
