import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type { Severity } from '@irsa-backstage/plugin-irsa-common';
import { badgeColors } from '../contrast';

/** Background colour of each severity, most severe darkest. */
export function severityColor(theme: Theme, severity: Severity): string {
  switch (severity) {
    case 'critical':
      return theme.palette.error.dark;
    case 'high':
      return theme.palette.error.main;
    case 'medium':
      return theme.palette.warning.main;
    case 'low':
      return theme.palette.info.main;
    default:
      return theme.palette.grey[600];
  }
}

const useStyles = makeStyles<Theme, { severity: Severity }>(theme => ({
  chip: ({ severity }) => ({
    ...badgeColors(theme, severityColor(theme, severity)),
    fontWeight: theme.typography.fontWeightBold as number,
    textTransform: 'uppercase',
    minWidth: 72,
  }),
}));

/** A finding severity as a coloured chip (critical, high, medium, low, info). */
export const SeverityChip = ({ severity }: { severity: Severity }) => {
  const classes = useStyles({ severity });
  return (
    <Chip
      size="small"
      label={severity}
      className={classes.chip}
      data-testid={`irsa-severity-${severity}`}
    />
  );
};
