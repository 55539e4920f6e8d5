import { lazy, type ComponentType, type ReactElement } from 'react';
import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import type { Permission } from '../shared/roles.ts';
import { can } from '../shared/roles.ts';
import { AppLayout } from './layout/AppLayout.tsx';
import { useSessionUser } from './lib/session.tsx';
import { LoginPage } from './pages/auth/LoginPage.tsx';
import { HomePage } from './pages/home/HomePage.tsx';

/**
 * Pages load on first visit (code splitting): the sign-in screen and the home page come with the
 * first download, every other page — and what only it needs, such as the charts — as its own chunk.
 * Layouts wrap their outlet in <Suspense> (client/components/PageOutlet.tsx).
 */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
const UnitsPage = page(() => import('./pages/org/UnitsPage.tsx'), 'UnitsPage');
const PositionsPage = page(() => import('./pages/org/PositionsPage.tsx'), 'PositionsPage');
const PeoplePage = page(() => import('./pages/org/PeoplePage.tsx'), 'PeoplePage');
const AssignmentsPage = page(() => import('./pages/org/AssignmentsPage.tsx'), 'AssignmentsPage');
const UsersPage = page(() => import('./pages/admin/UsersPage.tsx'), 'UsersPage');
const TrailPage = page(() => import('./pages/admin/TrailPage.tsx'), 'TrailPage');
const BackupPage = page(() => import('./pages/admin/BackupPage.tsx'), 'BackupPage');
const ManualsPage = page(() => import('./pages/manuals/ManualsPage.tsx'), 'ManualsPage');
const ManualLayout = page(() => import('./pages/manuals/ManualLayout.tsx'), 'ManualLayout');
const OutlineEditorPage = page(() => import('./pages/manuals/OutlineEditorPage.tsx'), 'OutlineEditorPage');
const DocumentPage = page(() => import('./pages/manuals/DocumentPage.tsx'), 'DocumentPage');
const VersionsPage = page(() => import('./pages/manuals/VersionsPage.tsx'), 'VersionsPage');
const ProcessesPage = page(() => import('./pages/manuals/ProcessesPage.tsx'), 'ProcessesPage');
const ReferencesPage = page(() => import('./pages/manuals/ReferencesPage.tsx'), 'ReferencesPage');
const ImportPage = page(() => import('./pages/manuals/ImportPage.tsx'), 'ImportPage');
const RcmImportPage = page(() => import('./pages/manuals/RcmImportPage.tsx'), 'RcmImportPage');
const AuditsPage = page(() => import('./pages/audits/AuditsPage.tsx'), 'AuditsPage');
const AuditLayout = page(() => import('./pages/audits/AuditLayout.tsx'), 'AuditLayout');
const WorkspacePage = page(() => import('./pages/audits/WorkspacePage.tsx'), 'WorkspacePage');
const FindingsPage = page(() => import('./pages/audits/FindingsPage.tsx'), 'FindingsPage');
const SignOffPage = page(() => import('./pages/audits/SignOffPage.tsx'), 'SignOffPage');
const ComparePage = page(() => import('./pages/audits/ComparePage.tsx'), 'ComparePage');
const AuditDashboardTab = page(() => import('./pages/audits/DashboardPage.tsx'), 'AuditDashboardTab');
const DashboardPage = page(() => import('./pages/audits/DashboardPage.tsx'), 'DashboardPage');
const ControlMatrixPage = page(() => import('./pages/manuals/controls/ControlMatrixPage.tsx'), 'ControlMatrixPage');
const OverlapPage = page(() => import('./pages/manuals/controls/OverlapPage.tsx'), 'OverlapPage');
const LintPage = page(() => import('./pages/manuals/controls/LintPage.tsx'), 'LintPage');
const SodLayout = page(() => import('./pages/sod/SodLayout.tsx'), 'SodLayout');
const ConflictsPage = page(() => import('./pages/sod/ConflictsPage.tsx'), 'ConflictsPage');
const RulesPage = page(() => import('./pages/sod/RulesPage.tsx'), 'RulesPage');
const DutiesPage = page(() => import('./pages/sod/DutiesPage.tsx'), 'DutiesPage');
const MitigationsPage = page(() => import('./pages/sod/MitigationsPage.tsx'), 'MitigationsPage');
const PersonPage = page(() => import('./pages/sod/PersonPage.tsx'), 'PersonPage');
const AuthorityLayout = page(() => import('./pages/authority/AuthorityLayout.tsx'), 'AuthorityLayout');
const MatrixPage = page(() => import('./pages/authority/MatrixPage.tsx'), 'MatrixPage');
const WhoMayApprovePage = page(() => import('./pages/authority/WhoMayApprovePage.tsx'), 'WhoMayApprovePage');
const DelegationsPage = page(() => import('./pages/authority/DelegationsPage.tsx'), 'DelegationsPage');
const ApprovalsPage = page(() => import('./pages/authority/ApprovalsPage.tsx'), 'ApprovalsPage');
const ApprovalImportPage = page(() => import('./pages/authority/ApprovalImportPage.tsx'), 'ApprovalImportPage');
const ViolationsPage = page(() => import('./pages/authority/ViolationsPage.tsx'), 'ViolationsPage');

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
        <Route path="authority" element={<Allowed permission="authority.read"><AuthorityLayout /></Allowed>}>
          <Route index element={<MatrixPage />} />
          <Route path="who" element={<WhoMayApprovePage />} />
          <Route path="delegations" element={<DelegationsPage />} />
          <Route path="approvals" element={<ApprovalsPage />} />
          <Route path="import" element={<Allowed permission="approvals.write"><ApprovalImportPage /></Allowed>} />
          <Route path="violations" element={<ViolationsPage />} />
        </Route>
        <Route path="sod" element={<Allowed permission="sod.read"><SodLayout /></Allowed>}>
          <Route index element={<ConflictsPage />} />
          <Route path="rules" element={<RulesPage />} />
          <Route path="duties" element={<DutiesPage />} />
          <Route path="mitigations" element={<MitigationsPage />} />
          <Route path="people/:personId" element={<PersonPage />} />
        </Route>
        <Route path="manuals" element={<Allowed permission="manual.read"><ManualsPage /></Allowed>} />
        <Route path="manuals/:id" element={<Allowed permission="manual.read"><ManualLayout /></Allowed>}>
          <Route index element={<OutlineEditorPage />} />
          <Route path="document" element={<DocumentPage />} />
          <Route path="versions" element={<VersionsPage />} />
          <Route path="processes" element={<ProcessesPage />} />
          <Route path="controls" element={<ControlMatrixPage />} />
          <Route path="overlap" element={<OverlapPage />} />
          <Route path="lint" element={<LintPage />} />
          <Route path="references" element={<ReferencesPage />} />
          <Route path="import" element={<Allowed permission="manual.write"><ImportPage /></Allowed>} />
          <Route path="rcm-import" element={<RcmImportPage />} />
        </Route>
        <Route path="audits" element={<Allowed permission="audit.read"><AuditsPage /></Allowed>} />
        <Route path="audits/:id" element={<Allowed permission="audit.read"><AuditLayout /></Allowed>}>
          <Route index element={<WorkspacePage />} />
          <Route path="findings" element={<FindingsPage />} />
          <Route path="signoff" element={<SignOffPage />} />
          <Route path="compare" element={<ComparePage />} />
          <Route path="dashboard" element={<AuditDashboardTab />} />
        </Route>
        <Route path="audit-dashboard" element={<Allowed permission="audit.read"><DashboardPage /></Allowed>} />
        <Route path="admin/users" element={<Allowed permission="users.manage"><UsersPage /></Allowed>} />
        <Route path="admin/trail" element={<Allowed permission="trail.read"><TrailPage /></Allowed>} />
        <Route path="admin/backup" element={<Allowed permission="ops.backup"><BackupPage /></Allowed>} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
