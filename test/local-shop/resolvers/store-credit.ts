import type { GraphQLResolveInfo } from "graphql";
import { gid, parseGid } from "../ids";
import { moneyV2, parseDecimalToCents } from "../money";
import type { StoreCreditAccountRecord, StoreCreditTransactionRecord } from "../records";
import { compileSearchQuery, stringMatcher } from "../search-query";
import { paginate, sortRecords, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { userError, type UserErrorView } from "./errors";
import { customerView } from "./customers";
import { isoTime, isoTimeOrNull, parseDateTime } from "./time";

function transactionView(record: StoreCreditTransactionRecord, account: StoreCreditAccountRecord) {
  const typename = record.kind === "credit" ? "StoreCreditAccountCreditTransaction" : "StoreCreditAccountDebitTransaction";
  return {
    __typename: typename,
    id: gid(typename, record.id),
    amount: moneyV2(record.kind === "credit" ? record.amountCents : -record.amountCents, account.currencyCode),
    balanceAfterTransaction: moneyV2(record.balanceAfterCents, account.currencyCode),
    createdAt: isoTime(record.createdAt),
    event: "ADJUSTMENT",
    origin: null,
    ...(record.kind === "credit"
      ? {
          expiresAt: isoTimeOrNull(record.expiresAt),
          // Debits are not allocated to specific credits here.
          remainingAmount: moneyV2(record.amountCents, account.currencyCode),
        }
      : {}),
    account: () => storeCreditAccountView(account),
  };
}

export function storeCreditAccountView(record: StoreCreditAccountRecord) {
  return {
    __typename: "StoreCreditAccount",
    id: gid("StoreCreditAccount", record.id),
    balance: moneyV2(record.balanceCents, record.currencyCode),
    owner: (_: unknown, context: ResolverContext) => {
      const customer = context.store.customer(record.customerId);
      return customer ? customerView(customer) : null;
    },
    transactions: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, context: ResolverContext, info: GraphQLResolveInfo) => {
      const key = args.sortKey === "EXPIRES_AT"
        ? (t: StoreCreditTransactionRecord) => t.expiresAt ?? Number.MAX_SAFE_INTEGER
        : (t: StoreCreditTransactionRecord) => t.createdAt;
      const filtered = compileSearchQuery(args.query, { resource: "store credit transactions", fields: {}, text: () => true });
      return paginate(sortRecords(record.transactions.filter(filtered), key, args.reverse), args, context, info, "StoreCreditAccountTransaction", (t) =>
        transactionView(t, record),
      );
    },
  };
}

/** `Customer.storeCreditAccounts(...)`. */
export function customerStoreCreditAccounts(customerId: number) {
  return (args: ConnectionArgs & { query?: string | null }, context: ResolverContext, info: GraphQLResolveInfo) => {
    const matches = compileSearchQuery<StoreCreditAccountRecord>(args.query, {
      resource: "store credit accounts",
      fields: { currency_code: stringMatcher((a) => a.currencyCode) },
      text: () => true,
    });
    const accounts = context.store.storeCreditAccountsOf(customerId).filter(matches);
    return paginate(accounts, args, context, info, "StoreCreditAccount", storeCreditAccountView);
  };
}

interface MoneyInput {
  amount: string | number;
  currencyCode: string;
}

/**
 * Finds the account a credit/debit targets: a StoreCreditAccount id, or a Customer id (whose
 * account in that currency is opened on first credit, as Shopify does).
 */
function targetAccount(
  context: ResolverContext,
  id: string,
  currencyCode: string,
  openIfMissing: boolean,
): { account: StoreCreditAccountRecord } | { error: { message: string; code: string } } {
  const { store } = context;
  const parsed = parseGid(id);
  if (parsed?.type === "StoreCreditAccount") {
    const account = store.storeCreditAccount(parsed.id);
    if (!account) return { error: { message: "Store credit account does not exist", code: "ACCOUNT_NOT_FOUND" } };
    if (account.currencyCode !== currencyCode) {
      return { error: { message: "The currency provided does not match the currency of the store credit account", code: "MISMATCHING_CURRENCY" } };
    }
    return { account };
  }
  if (parsed?.type === "Customer" && store.customer(parsed.id)) {
    const existing = store.storeCreditAccountsOf(parsed.id).find((a) => a.currencyCode === currencyCode);
    if (existing) return { account: existing };
    if (!openIfMissing) return { error: { message: "Store credit account does not exist", code: "ACCOUNT_NOT_FOUND" } };
    if (currencyCode !== store.shop.currencyCode) {
      return { error: { message: "The currency provided is not supported", code: "UNSUPPORTED_CURRENCY" } };
    }
    return { account: store.openStoreCreditAccount(parsed.id, currencyCode) };
  }
  return { error: { message: "Owner does not exist", code: openIfMissing ? "OWNER_NOT_FOUND" : "ACCOUNT_NOT_FOUND" } };
}

export const storeCreditQueries = {
  storeCreditAccount: (args: { id: string }, context: ResolverContext) => {
    const parsed = parseGid(args.id);
    const account = parsed?.type === "StoreCreditAccount" ? context.store.storeCreditAccount(parsed.id) : undefined;
    return account ? storeCreditAccountView(account) : null;
  },
};

export const storeCreditMutations = {
  storeCreditAccountCredit: (
    args: { id: string; creditInput: { creditAmount: MoneyInput; expiresAt?: string | null; notify?: boolean | null } },
    context: ResolverContext,
  ) => {
    const errors: UserErrorView[] = [];
    const fail = (field: string[] | null, message: string, code: string) =>
      errors.push(userError("StoreCreditAccountCreditUserError", field, message, code));
    const cents = parseDecimalToCents(args.creditInput.creditAmount.amount);
    if (!(cents > 0)) fail(["creditInput", "creditAmount", "amount"], "A positive amount must be used to credit a store credit account", "NEGATIVE_OR_ZERO_AMOUNT");
    const expiresAt = args.creditInput.expiresAt ? parseDateTime(args.creditInput.expiresAt) : null;
    if (expiresAt !== null && !(expiresAt > context.store.now())) fail(["creditInput", "expiresAt"], "The expiry date must be in the future", "EXPIRES_AT_IN_PAST");
    const target = errors.length ? null : targetAccount(context, args.id, args.creditInput.creditAmount.currencyCode, true);
    if (target && "error" in target) fail(["id"], target.error.message, target.error.code);
    if (errors.length || !target || "error" in target) {
      return { __typename: "StoreCreditAccountCreditPayload", storeCreditAccountTransaction: null, userErrors: errors };
    }
    const transaction = context.store.addStoreCreditTransaction(target.account, "credit", cents, expiresAt);
    return {
      __typename: "StoreCreditAccountCreditPayload",
      storeCreditAccountTransaction: transactionView(transaction, target.account),
      userErrors: [],
    };
  },

  storeCreditAccountDebit: (args: { id: string; debitInput: { debitAmount: MoneyInput } }, context: ResolverContext) => {
    const errors: UserErrorView[] = [];
    const fail = (field: string[] | null, message: string, code: string) =>
      errors.push(userError("StoreCreditAccountDebitUserError", field, message, code));
    const cents = parseDecimalToCents(args.debitInput.debitAmount.amount);
    if (!(cents > 0)) fail(["debitInput", "debitAmount", "amount"], "A positive amount must be used to debit a store credit account", "NEGATIVE_OR_ZERO_AMOUNT");
    const target = errors.length ? null : targetAccount(context, args.id, args.debitInput.debitAmount.currencyCode, false);
    if (target && "error" in target) fail(["id"], target.error.message, target.error.code);
    if (target && "account" in target && target.account.balanceCents < cents) {
      fail(["debitInput", "debitAmount", "amount"], "The store credit account does not have sufficient funds", "INSUFFICIENT_FUNDS");
    }
    if (errors.length || !target || "error" in target) {
      return { __typename: "StoreCreditAccountDebitPayload", storeCreditAccountTransaction: null, userErrors: errors };
    }
    const transaction = context.store.addStoreCreditTransaction(target.account, "debit", cents);
    return {
      __typename: "StoreCreditAccountDebitPayload",
      storeCreditAccountTransaction: transactionView(transaction, target.account),
      userErrors: [],
    };
  },
};
