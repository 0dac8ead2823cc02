import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The app's tests render the whole app, whose pages load lazily: on a busy
// two-core machine a page can take several seconds to appear.
configure({ asyncUtilTimeout: 10_000 });
