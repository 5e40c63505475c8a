/**
 * The acceptance path on its own (issue #11): how many fresh balance proofs per second
 * `acceptPayment` accepts on one core against a real database, beside the rate of signer
 * recoveries alone with the same library in the same run (the limit: every acceptance recovers one
 * signer). A well-built receiver reaches at least half of it.
 *
 * `CONCURRENCY` channels pay at once, each walking its own pre-signed proofs in order (a proof
 * must raise its channel's balance by the price, so one channel's proofs cannot overlap), as a
 * server's concurrent requests do. Signing happens before the clock starts.
 */
import { hashTypedData, type PublicClient } from "viem";
import { loadConfig } from "../../lib/config";
import { toDbAmount } from "../../lib/db/amount";
import type { DbProvider } from "../../lib/db/databaseUrl";
import type { Article, Db } from "../../lib/db/Db";
import { toDbAddress } from "../../lib/db/hex";
import type { Payment } from "../../lib/protocol/payment";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import { acceptPayment } from "../../lib/receiver/acceptPayment";
import type { Receiver } from "../../lib/receiver/context";
import { recoverAddressFast } from "../../lib/receiver/recoverAddressFast";
import { cursorKey } from "../../lib/receiver/watcher/cursor";
import { createTestDatabase } from "../../test/db/databases";
import { devAccount } from "../lib/localChain";
import { onShutdown } from "../lib/processes";
import { printFigures } from "./report";

const PRICE = 10n ** 15n;
const CHAIN_ID = 31337;
const MANAGER = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;
/** Channels paying at once. */
const CONCURRENCY = 16;
/** Proofs per channel: the first WARM are accepted before the clock starts. The timed part lasts 1–2 s: with 100 per channel (under half a second) two runs differed by a third. */
const PER_CHANNEL = 300;
const WARM = 20;
/** The acceptance rate, as a share of the recovery rate, that a well-built receiver reaches. */
export const ACCEPTANCE_TARGET = 0.5;

export type AcceptanceFigures = {
  name: "acceptance";
  database: DbProvider;
  concurrency: number;
  acceptances: number;
  acceptances_per_s: number;
  /** CPU time of this process (user + system) per acceptance. */
  cpu_ms_per_acceptance: number;
  recoveries_per_s: number;
  cpu_ms_per_recovery: number;
  /** acceptances_per_s / recoveries_per_s. */
  ratio: number;
  /**
   * The same ratio in CPU time (recovery's CPU per call / acceptance's): what the rates would give
   * with a core to itself, where a busy machine's wall-clock rates are not.
   */
  cpu_ratio: number;
  target: number;
  met: boolean;
};

const receiverAccount = devAccount(1);
const domain = { chainId: CHAIN_ID, verifyingContract: MANAGER };

/**
 * A receiver over `db` as the site builds one, whose watcher has just synced (the gate charges
 * only while it is current). The chain is never reached: every channel row exists and is
 * confirmed, and every proof is within its deposit.
 */
export async function scratchReceiver(db: Db): Promise<Receiver> {
  const receiver: Receiver = {
    db,
    chain: undefined as unknown as PublicClient,
    config: loadConfig({
      CHAIN_ID: String(CHAIN_ID),
      RPC_URL: "http://127.0.0.1:1",
      CHANNEL_MANAGER_ADDRESS: MANAGER,
      TOKEN_ADDRESS: MANAGER,
      CONFIRMATIONS: "1",
      WATCHER_MAX_LAG_SECONDS: "86400",
    }),
  };
  await db.chainCursor.create({ data: { ...cursorKey(receiver), blockNumber: 2n, blockHash: `0x${"00".repeat(32)}`, head: 2n, syncedAt: new Date() } });
  return receiver;
}

/** A confirmed channel from development account `senderIndex` to the receiver, with room for every proof. */
export function seedChannel(db: Db, senderIndex: number, openBlock: bigint) {
  return db.channel.create({
    data: {
      chainId: CHAIN_ID,
      contract: toDbAddress(MANAGER),
      sender: toDbAddress(devAccount(senderIndex).address),
      receiver: toDbAddress(receiverAccount.address),
      openBlock,
      deposit: toDbAmount(10n ** 24n),
      confirmed: true,
    },
  });
}

/** Proofs 1 … count of the channel (sender `senderIndex`, `openBlock`): proof k is k × PRICE. */
export async function signProofs(senderIndex: number, openBlock: bigint, count: number): Promise<Payment[]> {
  const sender = devAccount(senderIndex);
  const id = { sender: sender.address, receiver: receiverAccount.address, openBlock };
  const payments: Payment[] = [];
  for (let k = 1; k <= count; k++) {
    const balance = BigInt(k) * PRICE;
    payments.push({ ...id, balance, balanceSignature: await sender.signTypedData(balanceProofTypedData(domain, id, balance)) });
  }
  return payments;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export async function benchAcceptance(provider: DbProvider, log: (line: string) => void): Promise<AcceptanceFigures> {
  const database = await createTestDatabase(provider);
  const forget = onShutdown(() => database.dispose());
  try {
    const { db } = database;
    const receiver = await scratchReceiver(db);
    const lanes = Array.from({ length: CONCURRENCY }, (_, i) => ({ senderIndex: i + 2, openBlock: 1n }));
    for (const lane of lanes) await seedChannel(db, lane.senderIndex, lane.openBlock);
    const articles: Article[] = [];
    for (let k = 0; k < PER_CHANNEL; k++) {
      articles.push(await db.article.create({ data: { slug: `a-${k}`, title: "t", teaser: "t", body: "b", price: toDbAmount(PRICE), published: true } }));
    }
    log(`  [${provider}] signing ${CONCURRENCY * PER_CHANNEL} proofs ahead (untimed)`);
    const proofs = await Promise.all(lanes.map((lane) => signProofs(lane.senderIndex, lane.openBlock, PER_CHANNEL)));

    // The limit: recoveries alone, the same library and the same signatures, hashes made beforehand.
    const flat = proofs.flat();
    const hashes = flat.map((p) => hashTypedData(balanceProofTypedData(domain, p, p.balance)));
    for (let i = 0; i < 200; i++) recoverAddressFast(hashes[i % hashes.length], flat[i % flat.length].balanceSignature);
    const recoverCpu = process.cpuUsage();
    const recoverStart = performance.now();
    for (let i = 0; i < flat.length; i++) recoverAddressFast(hashes[i], flat[i].balanceSignature);
    const recoveriesPerS = flat.length / ((performance.now() - recoverStart) / 1000);
    const recoveryCpuMs = cpuMs(recoverCpu) / flat.length;

    const walk = async (from: number, to: number) => {
      await Promise.all(
        proofs.map(async (own) => {
          for (let k = from; k < to; k++) {
            const accepted = await acceptPayment(receiver, articles[k], own[k]);
            if (!accepted.charged) throw new Error(`proof ${k} was not charged`);
          }
        }),
      );
    };
    await walk(0, WARM);
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await walk(WARM, PER_CHANNEL);
    const seconds = (performance.now() - start) / 1000;
    const acceptances = CONCURRENCY * (PER_CHANNEL - WARM);
    const stored = await db.purchase.count();
    if (stored !== CONCURRENCY * PER_CHANNEL) throw new Error(`${stored} purchases stored for ${CONCURRENCY * PER_CHANNEL} acceptances`);
    const acceptancesPerS = acceptances / seconds;
    const ratio = acceptancesPerS / recoveriesPerS;
    const acceptanceCpuMs = cpuMs(cpuBefore) / acceptances;
    return {
      name: "acceptance",
      database: provider,
      concurrency: CONCURRENCY,
      acceptances,
      acceptances_per_s: Number(acceptancesPerS.toFixed(1)),
      cpu_ms_per_acceptance: Number(acceptanceCpuMs.toFixed(3)),
      recoveries_per_s: Number(recoveriesPerS.toFixed(1)),
      cpu_ms_per_recovery: Number(recoveryCpuMs.toFixed(3)),
      ratio: Number(ratio.toFixed(3)),
      cpu_ratio: Number((recoveryCpuMs / acceptanceCpuMs).toFixed(3)),
      target: ACCEPTANCE_TARGET,
      met: ratio >= ACCEPTANCE_TARGET,
    };
  } finally {
    forget();
    await database.dispose();
  }
}

export function printAcceptance(rows: AcceptanceFigures[]): void {
  printFigures(
    `Acceptance path alone (${CONCURRENCY} channels paying at once, one process; target: acceptances ≥ ${ACCEPTANCE_TARGET}× recoveries)`,
    ["database", "acceptances/s", "CPU ms each", "recoveries/s", "CPU ms each", "ratio", "CPU ratio", "target"],
    rows.map((row) => [
      row.database,
      row.acceptances_per_s.toFixed(1),
      row.cpu_ms_per_acceptance.toFixed(3),
      row.recoveries_per_s.toFixed(1),
      row.cpu_ms_per_recovery.toFixed(3),
      row.ratio.toFixed(3),
      row.cpu_ratio.toFixed(3),
      row.met ? "met" : "MISSED",
    ]),
  );
}
