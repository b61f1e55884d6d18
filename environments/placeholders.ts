// The values dev.ts and stg.ts ship with until step 0 of help/migration.md replaces them: AWS's
// documentation account (the provider refuses it at plan) and an address that never receives mail.
// The environment files write them as plain literals, so that replacing one in place changes
// nothing else; `npm run deploy` and `npm run preflight` refuse an environment that still holds one.
export const PLACEHOLDER_ACCOUNT_ID = '111122223333';
export const PLACEHOLDER_ONCALL_EMAIL = 'platform-oncall@example.com';

/** The placeholders `config` still holds, as `field "value"`; empty when step 0 is done. */
export function placeholdersIn(config: { accountId: string; operations: { emails?: string[] } }): string[] {
  return [
    ...(config.accountId === PLACEHOLDER_ACCOUNT_ID ? [`accountId "${config.accountId}"`] : []),
    ...(config.operations.emails?.includes(PLACEHOLDER_ONCALL_EMAIL)
      ? [`operations.emails "${PLACEHOLDER_ONCALL_EMAIL}"`]
      : []),
  ];
}
