import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default; on a loaded two-core CI machine a lazy
// extension can take longer than that to appear, which is slowness, not a failure.
configure({ asyncUtilTimeout: 10_000 });
