import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The tabs render whole MUI forms and tables in jsdom, which takes seconds
// per test on a busy two-core machine.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 10_000 });
