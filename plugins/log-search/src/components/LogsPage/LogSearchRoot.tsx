import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { Route, Routes } from 'react-router-dom';
import { DetectionPage } from '../DetectionPage/DetectionPage';
import { DetectionsPage } from '../DetectionsPage/DetectionsPage';
import { LogsPage } from './LogsPage';

/** The plugin's page: Logs at `/logs`, Detections below it. */
export function LogSearchRoot() {
  return (
    <ReactRouterV6PageRouter>
      <Routes>
        <Route path="/" element={<LogsPage />} />
        <Route path="/detections" element={<DetectionsPage />} />
        <Route path="/detections/:id" element={<DetectionPage />} />
      </Routes>
    </ReactRouterV6PageRouter>
  );
}
