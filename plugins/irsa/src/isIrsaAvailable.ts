import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
} from '@irsa-backstage/plugin-irsa-common';

/**
 * Whether the IRSA tab and card have something to show for an entity: a
 * component linked to service accounts by one of the annotations the backend
 * reads (docs/architecture.md, "Linking entities to service accounts").
 *
 * @public
 */
export function isIrsaAvailable(entity: Entity): boolean {
  if (entity.kind.toLocaleLowerCase('en-US') !== 'component') {
    return false;
  }
  const annotations = entity.metadata.annotations ?? {};
  return [
    SERVICE_ACCOUNTS_ANNOTATION,
    KUBERNETES_ID_ANNOTATION,
    KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  ].some(key => Boolean(annotations[key]));
}
