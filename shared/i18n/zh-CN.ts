/** Domain words and error messages, Simplified Chinese (default). en.ts must have the same keys. */
export const zhCN = {
  roles: { admin: '管理员', designer: '制度设计', auditor: '内控评价', viewer: '管理层（只读）' },
  assignmentKinds: { primary: '主岗', acting: '代理', concurrent: '兼任' },
  entities: {
    org_unit: '组织单位',
    position: '岗位',
    person: '人员',
    assignment: '任职',
    app_user: '用户',
    session: '登录会话',
  },
  actions: {
    create: '新增',
    update: '修改',
    delete: '删除',
    login: '登录',
    logout: '退出',
    change_password: '修改密码',
    reset_password: '重置密码',
  },
  fields: { code: '编码', employee_no: '工号', username: '用户名' },
  errors: {
    unauthenticated: '请先登录。',
    forbidden: '您的角色（{{role}}）无权执行此操作。',
    invalidInput: '输入有误，请检查标出的字段。',
    internal: '服务器内部错误，请稍后再试。',
    notFound: '{{entity}}不存在（编号 {{id}}），可能已被删除。',
    duplicate: '{{field}}“{{value}}”已存在。',
    duplicateGeneric: '该记录与已有记录重复。',
    referenced: '仍有其他记录引用它，无法完成操作。',
    constraint: '数据不符合约束：{{detail}}',
    csrf: '请求被拒绝：缺少应用请求头或内容类型不正确。',
    field: {
      code: '只能包含字母、数字、点、下划线和连字符，且以字母或数字开头。',
      username: '只能包含小写字母、数字、点、下划线和连字符。',
    },
    login: {
      failed: '用户名或密码错误。',
      throttled: '尝试次数过多，请 {{minutes}} 分钟后再试。',
    },
    password: {
      weak: '密码至少 10 位，且须同时包含字母和数字。',
      sameAsOld: '新密码不能与当前密码相同。',
      wrongCurrent: '当前密码不正确。',
      containsUsername: '密码不能包含用户名。',
    },
    unit: {
      hasChildren: '无法删除“{{name}}”：它还有 {{count}} 个下级单位（{{names}}）。',
      hasPositions: '无法删除“{{name}}”：它还有 {{count}} 个岗位（{{names}}）。',
      cycle: '不能把单位移到它自己或它的下级单位之下。',
    },
    position: {
      hasAssignments: '无法删除岗位“{{name}}”：还有 {{count}} 条任职记录（{{names}}）。',
      unknownDuty: '未知的职责类别：{{codes}}。',
    },
    person: {
      hasAssignments: '无法删除人员“{{name}}”：还有 {{count}} 条任职记录。请先删除或结束任职。',
      hasUser: '无法删除人员“{{name}}”：用户账号“{{username}}”关联到此人。',
    },
    assignment: {
      validToBeforeFrom: '结束日期不能早于开始日期。',
      primaryOverlap: '{{person}} 在 {{from}} 至 {{to}} 期间已有主岗（{{position}}），同一时间只能有一个主岗。',
    },
    user: {
      lastAdmin: '不能停用或降级最后一位管理员。',
      selfDeactivate: '不能停用自己的账号。',
    },
  },
};

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
export type Messages = DeepStrings<typeof zhCN>;
