import type { ReactElement } from 'react';
import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import type { Permission } from '../shared/roles.ts';
import { can } from '../shared/roles.ts';
import { AppLayout } from './layout/AppLayout.tsx';
import { useSessionUser } from './lib/session.tsx';
import { LoginPage } from './pages/auth/LoginPage.tsx';
import { HomePage } from './pages/home/HomePage.tsx';
import { UnitsPage } from './pages/org/UnitsPage.tsx';
import { PositionsPage } from './pages/org/PositionsPage.tsx';
import { PeoplePage } from './pages/org/PeoplePage.tsx';
import { AssignmentsPage } from './pages/org/AssignmentsPage.tsx';
import { UsersPage } from './pages/admin/UsersPage.tsx';
import { TrailPage } from './pages/admin/TrailPage.tsx';
import { ManualsPage } from './pages/manuals/ManualsPage.tsx';
import { ManualLayout } from './pages/manuals/ManualLayout.tsx';
import { OutlineEditorPage } from './pages/manuals/OutlineEditorPage.tsx';
import { DocumentPage } from './pages/manuals/DocumentPage.tsx';
import { VersionsPage } from './pages/manuals/VersionsPage.tsx';
import { ProcessesPage } from './pages/manuals/ProcessesPage.tsx';
import { ReferencesPage } from './pages/manuals/ReferencesPage.tsx';
import { ImportPage } from './pages/manuals/ImportPage.tsx';

/** Signed-in area: unauthenticated visitors go to /login. */
function SignedIn() {
  const { user, isLoading } = useSessionUser();
  if (isLoading) {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  if (!user) return <Navigate to="/login" replace />;
  return <AppLayout user={user} />;
}

/** A page the role may not see redirects home (the navbar hides it anyway). */
function Allowed({ permission, children }: { permission: Permission; children: ReactElement }) {
  const { user } = useSessionUser();
  return can(user?.role, permission) ? children : <Navigate to="/" replace />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<SignedIn />}>
        <Route index element={<HomePage />} />
        <Route path="org/units" element={<UnitsPage />} />
        <Route path="org/positions" element={<PositionsPage />} />
        <Route path="org/people" element={<PeoplePage />} />
        <Route path="org/assignments" element={<AssignmentsPage />} />
        <Route path="manuals" element={<Allowed permission="manual.read"><ManualsPage /></Allowed>} />
        <Route path="manuals/:id" element={<Allowed permission="manual.read"><ManualLayout /></Allowed>}>
          <Route index element={<OutlineEditorPage />} />
          <Route path="document" element={<DocumentPage />} />
          <Route path="versions" element={<VersionsPage />} />
          <Route path="processes" element={<ProcessesPage />} />
          <Route path="references" element={<ReferencesPage />} />
          <Route path="import" element={<Allowed permission="manual.write"><ImportPage /></Allowed>} />
        </Route>
        <Route path="admin/users" element={<Allowed permission="users.manage"><UsersPage /></Allowed>} />
        <Route path="admin/trail" element={<Allowed permission="trail.read"><TrailPage /></Allowed>} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
