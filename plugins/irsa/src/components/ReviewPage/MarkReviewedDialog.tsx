import type { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  InventoryBinding,
  irsaReviewCreatePermission,
} from '@irsa-backstage/plugin-irsa-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { irsaApiRef } from '../../api';
import { bindingName } from './reviewView';

/** The longest comment the backend keeps. */
export const MAX_COMMENT_LENGTH = 1000;

const MarkReviewedDialog = (props: {
  binding: InventoryBinding;
  onClose: () => void;
  onReviewed: () => void;
}) => {
  const { binding, onClose, onReviewed } = props;
  const irsaApi = useApi(irsaApiRef);
  const [comment, setComment] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const trimmed = comment.trim();

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await irsaApi.createReview({
        cluster: binding.cluster,
        namespace: binding.namespace,
        serviceAccount: binding.serviceAccount,
        roleArn: binding.roleArn!,
        comment: trimmed,
      });
      onReviewed();
    } catch (e) {
      // A ResponseError's own message is only the status; the backend's is its cause.
      setError((e as ResponseError).cause?.message ?? (e as Error).message);
      setSaving(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby="irsa-review-dialog-title"
      fullWidth
      data-testid="irsa-review-dialog"
    >
      <form
        onSubmit={e => {
          e.preventDefault();
          if (trimmed) submit();
        }}
      >
        <DialogTitle id="irsa-review-dialog-title">Mark reviewed</DialogTitle>
        <DialogContent>
          <DialogContentText>
            {bindingName(binding)} → {binding.roleArn}. The review records the
            role's trust policy, policies and boundary as they are now; it shows
            as stale once they change.
          </DialogContentText>
          <TextField
            id="irsa-review-comment"
            label="Comment"
            placeholder="What you checked, what you decided"
            required
            multiline
            minRows={3}
            fullWidth
            variant="outlined"
            value={comment}
            onChange={e => setComment(e.target.value)}
            inputProps={{
              maxLength: MAX_COMMENT_LENGTH,
              'data-testid': 'irsa-review-comment',
            }}
            helperText={`${comment.length} / ${MAX_COMMENT_LENGTH} characters`}
          />
          {error && (
            <Box mt={2}>
              <Typography
                color="error"
                role="alert"
                data-testid="irsa-review-error"
              >
                {error}
              </Typography>
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={!trimmed || saving}
            data-testid="irsa-review-submit"
          >
            Mark reviewed
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};

/**
 * "Mark reviewed" for one binding: a dialog asking for a comment. Disabled,
 * with the reason, when the user may not review the binding's entity; a
 * binding of no entity is left to the backend to decide (the permission
 * framework cannot be asked about it from the browser).
 */
export const MarkReviewedButton = (props: {
  binding: InventoryBinding;
  onReviewed: () => void;
}) => {
  const { binding, onReviewed } = props;
  const permission = usePermission({
    permission: irsaReviewCreatePermission,
    resourceRef: binding.entityRef,
  });
  const [open, setOpen] = useState(false);
  const mayReview = !binding.entityRef || permission.allowed;
  const reasonId = `irsa-review-denied-${binding.id}`;
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        color="primary"
        disabled={!mayReview || !binding.roleArn}
        onClick={() => setOpen(true)}
        aria-describedby={mayReview ? undefined : reasonId}
        data-testid="irsa-review-mark"
      >
        Mark reviewed
      </Button>
      {!mayReview && !permission.loading && (
        <Typography
          id={reasonId}
          variant="caption"
          display="block"
          color="textSecondary"
          data-testid="irsa-review-denied"
        >
          You may not review {binding.entityRef}'s bindings (needs
          irsa.review.create)
        </Typography>
      )}
      {open && (
        <MarkReviewedDialog
          binding={binding}
          onClose={() => setOpen(false)}
          onReviewed={() => {
            setOpen(false);
            onReviewed();
          }}
        />
      )}
    </>
  );
};
