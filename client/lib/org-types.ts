import type { RouterOutputs } from './trpc.ts';

/** Row shapes of the organisation and admin lists, as the API returns them. */
export type Unit = RouterOutputs['org']['units']['list'][number];
export type Position = RouterOutputs['org']['positions']['list'][number];
export type Person = RouterOutputs['org']['people']['list'][number];
export type Assignment = RouterOutputs['org']['assignments']['list'][number];
export type DutyCategory = RouterOutputs['org']['dutyCategories'][number];
export type User = RouterOutputs['users']['list'][number];
export type TrailRow = RouterOutputs['trail']['list']['rows'][number];
