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
import { BackupPage } from './pages/admin/BackupPage.tsx';
import { ManualsPage } from './pages/manuals/ManualsPage.tsx';
import { ManualLayout } from './pages/manuals/ManualLayout.tsx';
import { OutlineEditorPage } from './pages/manuals/OutlineEditorPage.tsx';
import { DocumentPage } from './pages/manuals/DocumentPage.tsx';
import { VersionsPage } from './pages/manuals/VersionsPage.tsx';
import { ProcessesPage } from './pages/manuals/ProcessesPage.tsx';
import { ReferencesPage } from './pages/manuals/ReferencesPage.tsx';
import { ImportPage } from './pages/manuals/ImportPage.tsx';
import { RcmImportPage } from './pages/manuals/RcmImportPage.tsx';
import { AuditsPage } from './pages/audits/AuditsPage.tsx';
import { AuditLayout } from './pages/audits/AuditLayout.tsx';
import { WorkspacePage } from './pages/audits/WorkspacePage.tsx';
import { FindingsPage } from './pages/audits/FindingsPage.tsx';
import { SignOffPage } from './pages/audits/SignOffPage.tsx';
import { ComparePage } from './pages/audits/ComparePage.tsx';
import { AuditDashboardTab, DashboardPage } from './pages/audits/DashboardPage.tsx';
import { ControlMatrixPage } from './pages/manuals/controls/ControlMatrixPage.tsx';
import { OverlapPage } from './pages/manuals/controls/OverlapPage.tsx';
import { LintPage } from './pages/manuals/controls/LintPage.tsx';
import { SodLayout } from './pages/sod/SodLayout.tsx';
import { ConflictsPage } from './pages/sod/ConflictsPage.tsx';
import { RulesPage } from './pages/sod/RulesPage.tsx';
import { DutiesPage } from './pages/sod/DutiesPage.tsx';
import { MitigationsPage } from './pages/sod/MitigationsPage.tsx';
import { PersonPage } from './pages/sod/PersonPage.tsx';
import { AuthorityLayout } from './pages/authority/AuthorityLayout.tsx';
import { MatrixPage } from './pages/authority/MatrixPage.tsx';
import { WhoMayApprovePage } from './pages/authority/WhoMayApprovePage.tsx';
import { DelegationsPage } from './pages/authority/DelegationsPage.tsx';
import { ApprovalsPage } from './pages/authority/ApprovalsPage.tsx';
import { ApprovalImportPage } from './pages/authority/ApprovalImportPage.tsx';
import { ViolationsPage } from './pages/authority/ViolationsPage.tsx';

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
