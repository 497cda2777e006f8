// The shell: providers (query cache, language) and the routes.
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ME_KEY } from '../features/auth/api/get-me';
import { whenSessionEnds } from '../lib/api-client';
import { I18nProvider } from '../lib/i18n';
import { queryClient } from '../lib/query-client';
import { RequireAuth } from './require-auth';
import { AdminLayout } from './routes/admin-layout';
import { AuditRoute } from './routes/audit';
import { OperatorsRoute } from './routes/operators';
import { SettingsRoute } from './routes/settings';
import { SourcesRoute } from './routes/sources';
import { InboxRoute } from './routes/inbox';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';

// Any 401 means the session is over: asking who we are again sends the app to the login page.
whenSessionEnds(() => void queryClient.resetQueries({ queryKey: ME_KEY }));

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginRoute />} />
            <Route element={<RequireAuth />}>
              <Route path="/" element={<Navigate to="/inbox" replace />} />
              <Route path="/inbox" element={<InboxRoute />} />
              <Route path="/inbox/:chatId" element={<InboxRoute />} />
              <Route element={<AdminLayout />}>
                <Route path="/sources" element={<SourcesRoute />} />
                <Route path="/operators" element={<OperatorsRoute />} />
                <Route path="/settings" element={<SettingsRoute />} />
                <Route path="/audit" element={<AuditRoute />} />
              </Route>
              <Route path="*" element={<NotFoundRoute />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
