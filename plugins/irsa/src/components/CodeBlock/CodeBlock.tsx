import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  block: {
    position: 'relative',
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  pre: {
    margin: 0,
    padding: theme.spacing(1.5),
    paddingRight: theme.spacing(6),
    // wrapped rather than scrolled: a scrolling region would need keyboard focus
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.primary,
  },
  copy: {
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(0.5),
  },
}));

/**
 * A block of code to read and copy (policies, annotations). Plain text in the
 * theme's primary colour: the syntax colours of Backstage's CodeSnippet fall
 * below WCAG AA contrast on its light background.
 */
export const CodeBlock = (props: { text: string; label: string }) => {
  const classes = useStyles();
  return (
    <Box className={classes.block}>
      <pre className={classes.pre} aria-label={props.label}>
        {props.text}
      </pre>
      <Box className={classes.copy}>
        <CopyTextButton
          text={props.text}
          tooltipText="Copied"
          aria-label={`Copy ${props.label}`}
        />
      </Box>
    </Box>
  );
};
