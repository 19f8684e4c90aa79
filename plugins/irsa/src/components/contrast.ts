import { darken, getContrastRatio, type Theme } from '@material-ui/core/styles';

/** WCAG 2 AA for normal text; the e2e run checks it with axe. */
const AA_NORMAL_TEXT = 4.5;

/**
 * `color` darkened in small steps until it reads at AA against `background`.
 * Theme palettes are tuned for looks, not contrast: Material's green on a grey
 * card is 2.5:1.
 */
export function readableOn(color: string, background: string): string {
  let result = color;
  for (
    let step = 0;
    step < 20 && getContrastRatio(result, background) < AA_NORMAL_TEXT;
    step++
  ) {
    result = darken(result, 0.08);
  }
  return result;
}

/**
 * Text and background for a coloured badge: black on light colours that allow
 * it comfortably (amber), otherwise white on the colour darkened until it
 * reads at AA.
 */
export function badgeColors(
  theme: Theme,
  background: string,
): { backgroundColor: string; color: string } {
  const black = theme.palette.common.black;
  if (getContrastRatio(background, black) >= 7) {
    return { backgroundColor: background, color: black };
  }
  const white = theme.palette.common.white;
  return { backgroundColor: readableOn(background, white), color: white };
}
