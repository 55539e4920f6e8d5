import type { Locale } from './auth.ts';
import type { RiskLevel, SodScope } from './sod.ts';

/**
 * The default rule set a new organisation can adopt (docs/design.md §3.5): the five classic incompatible
 * pairs, and the cashier rules of the Accounting Law. A cashier is modelled as a position holding
 * `custody` (of cash and bank deposits); "收入、支出、费用、债权债务账目的登记" is `record`, so that
 * cashier rule and the classic record ↔ custody pair are one rule citing both sources.
 */
type Text = Record<Locale, string>;

export interface DefaultDuty {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface DefaultSodRule {
  code: string;
  dutyA: string;
  dutyB: string;
  scope: SodScope;
  risk: RiskLevel;
  rationale: Text;
  basis: Text;
}

/** Duty categories the default rules need beyond the six builtin ones (added as custom categories). */
export const DEFAULT_EXTRA_DUTIES: DefaultDuty[] = [{ code: 'archive', nameZh: '会计档案保管', nameEn: 'Keep accounting archives' }];

const BASIC_STANDARD: Text = {
  'zh-CN': '《企业内部控制基本规范》第二十九条（不相容职务分离控制）',
  en: 'Basic Standard for Enterprise Internal Control, Art. 29 (segregation of incompatible duties); COSO 2013 principle 10',
};
const CASHIER_BASIS: Text = {
  'zh-CN': '《会计法》第三十七条；《会计基础工作规范》第十二条；《内部会计控制规范——货币资金（试行）》第六条',
  en: 'Accounting Law of the PRC, Art. 37; Basic Norms for Accounting Work, Art. 12; Internal Accounting Control Norms — Monetary Funds (trial), Art. 6',
};

export const DEFAULT_SOD_RULES: DefaultSodRule[] = [
  {
    code: 'SOD-01',
    dutyA: 'authorise',
    dutyB: 'execute',
    scope: 'same_person',
    risk: 'high',
    rationale: {
      'zh-CN': '授权批准与业务经办分离：批准一项业务的人不得亲自经办该业务，否则可以自批自办。',
      en: 'Authorising and executing must be separate: whoever approves a transaction must not carry it out, or they could approve their own actions.',
    },
    basis: BASIC_STANDARD,
  },
  {
    code: 'SOD-02',
    dutyA: 'execute',
    dutyB: 'record',
    scope: 'same_person',
    risk: 'high',
    rationale: {
      'zh-CN': '业务经办与会计记录分离：经办人不得登记自己经办的业务，否则可以用账面掩盖经办中的差错或舞弊。',
      en: 'Executing and recording must be separate: whoever carries out a transaction must not post it, or the books could hide errors or fraud in it.',
    },
    basis: BASIC_STANDARD,
  },
  {
    code: 'SOD-03',
    dutyA: 'record',
    dutyB: 'custody',
    scope: 'same_person',
    risk: 'critical',
    rationale: {
      'zh-CN':
        '会计记录与财产保管分离（账实分离）：保管资产的人不得登记这些资产的账目；出纳人员不得兼任收入、支出、费用、债权债务账目的登记工作。',
      en: 'Recording and custody must be separate (books apart from assets): whoever holds assets must not keep their accounts; a cashier must not post revenue, expense, receivable or payable records.',
    },
    basis: {
      'zh-CN': `${BASIC_STANDARD['zh-CN']}；${CASHIER_BASIS['zh-CN']}`,
      en: `${BASIC_STANDARD.en}; ${CASHIER_BASIS.en}`,
    },
  },
  {
    code: 'SOD-04',
    dutyA: 'execute',
    dutyB: 'review',
    scope: 'same_person',
    risk: 'high',
    rationale: {
      'zh-CN': '业务经办与稽核检查分离：经办人不得检查自己经办的业务。',
      en: 'Executing and reviewing must be separate: nobody checks their own work.',
    },
    basis: BASIC_STANDARD,
  },
  {
    code: 'SOD-05',
    dutyA: 'authorise',
    dutyB: 'supervise',
    scope: 'same_person',
    risk: 'medium',
    rationale: {
      'zh-CN': '授权批准与监督检查分离：批准者不得监督自己作出的批准。',
      en: 'Authorising and supervising must be separate: nobody monitors their own approvals.',
    },
    basis: BASIC_STANDARD,
  },
  {
    code: 'CASH-01',
    dutyA: 'custody',
    dutyB: 'review',
    scope: 'same_person',
    risk: 'critical',
    rationale: {
      'zh-CN': '出纳人员不得兼任稽核：保管货币资金的人不得审核这些资金的收付。',
      en: 'A cashier must not also act as reviewer: whoever holds the cash must not check its receipts and payments.',
    },
    basis: CASHIER_BASIS,
  },
  {
    code: 'CASH-02',
    dutyA: 'custody',
    dutyB: 'archive',
    scope: 'same_person',
    risk: 'high',
    rationale: {
      'zh-CN': '出纳人员不得兼管会计档案保管：否则可以改动凭证、账簿来掩盖资金差错或舞弊。',
      en: 'A cashier must not keep the accounting archives: they could alter vouchers and books to hide errors or fraud with the cash.',
    },
    basis: CASHIER_BASIS,
  },
];

/**
 * A default rule's rationale or basis in the reader's language. Adopting the defaults stores them in
 * the adopter's language; while the stored text is still one of the product's own (unchanged, in
 * either language) it is shown in the UI language. Text a user wrote stays as written.
 */
export function localizedDefaultText(code: string, field: 'rationale' | 'basis', stored: string, locale: Locale): string {
  const rule = DEFAULT_SOD_RULES.find((r) => r.code === code);
  if (!rule) return stored;
  const texts = rule[field];
  return Object.values(texts).includes(stored) ? texts[locale] : stored;
}
