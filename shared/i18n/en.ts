import type { Messages } from './zh-CN.ts';

export const en: Messages = {
  roles: { admin: 'Administrator', designer: 'Process designer', auditor: 'Internal auditor', viewer: 'Management (read-only)' },
  assignmentKinds: { primary: 'Primary', acting: 'Acting', concurrent: 'Concurrent' },
  entities: {
    org_unit: 'Unit',
    position: 'Position',
    person: 'Person',
    assignment: 'Assignment',
    app_user: 'User',
    session: 'Session',
  },
  actions: {
    create: 'Create',
    update: 'Update',
    delete: 'Delete',
    login: 'Sign in',
    logout: 'Sign out',
    change_password: 'Change password',
    reset_password: 'Reset password',
  },
  fields: { code: 'Code', employee_no: 'Employee number', username: 'Username' },
  errors: {
    unauthenticated: 'Please sign in first.',
    forbidden: 'Your role ({{role}}) may not do this.',
    invalidInput: 'Some fields are invalid; please check the marked fields.',
    internal: 'Internal server error; please try again later.',
    notFound: '{{entity}} {{id}} does not exist; it may have been deleted.',
    duplicate: '{{field}} "{{value}}" already exists.',
    duplicateGeneric: 'This record duplicates an existing one.',
    referenced: 'Other records still refer to it, so this cannot be done.',
    constraint: 'The data breaks a rule: {{detail}}',
    csrf: 'Request refused: missing application header or wrong content type.',
    field: {
      code: 'Use letters, digits, dots, underscores and hyphens, starting with a letter or digit.',
      username: 'Use lower-case letters, digits, dots, underscores and hyphens.',
    },
    login: {
      failed: 'Wrong username or password.',
      throttled: 'Too many attempts; try again in {{minutes}} minutes.',
    },
    password: {
      weak: 'A password needs at least 10 characters, with both letters and digits.',
      sameAsOld: 'The new password must differ from the current one.',
      wrongCurrent: 'The current password is not correct.',
      containsUsername: 'The password must not contain the username.',
    },
    unit: {
      hasChildren: 'Cannot delete "{{name}}": it still has {{count}} sub-units ({{names}}).',
      hasPositions: 'Cannot delete "{{name}}": it still has {{count}} positions ({{names}}).',
      cycle: 'A unit cannot be moved under itself or one of its sub-units.',
    },
    position: {
      hasAssignments: 'Cannot delete position "{{name}}": it still has {{count}} assignments ({{names}}).',
      unknownDuty: 'Unknown duty categories: {{codes}}.',
    },
    person: {
      hasAssignments: 'Cannot delete "{{name}}": they still have {{count}} assignments. Delete or end them first.',
      hasUser: 'Cannot delete "{{name}}": user account "{{username}}" is linked to this person.',
    },
    assignment: {
      validToBeforeFrom: 'The end date cannot be before the start date.',
      primaryOverlap: '{{person}} already holds a primary position ({{position}}) from {{from}} to {{to}}; only one primary position at a time.',
    },
    user: {
      lastAdmin: 'The last active administrator cannot be deactivated or given another role.',
      selfDeactivate: 'You cannot deactivate your own account.',
    },
  },
};
