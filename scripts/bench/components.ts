/**
 * What each step of a paid read costs on its own: the receiver's real functions, one call at a
 * time on an idle event loop, against a fresh SQLite database in its default rollback-journal
 * mode and in WAL mode. A companion to `npm run bench`, which measures whole requests under load;
 * this says which step the difference between a free and a paid request is made of.
 *
 * Run (lib/receiver is server-only, hence the condition):
 *   node --conditions=react-server --import tsx scripts/bench/components.ts [calls per step, default 300]
 */
import { readdirSync, readlinkSync } from "node:fs";
import { hashTypedData, recoverPublicKey } from "viem";
import { toDbAmount } from "../../lib/db/amount";
import { toDbAddress } from "../../lib/db/hex";
import type { Article } from "../../lib/db/Db";
import type { Payment } from "../../lib/protocol/payment";
import { balanceProofTypedData } from "../../lib/protocol/typedData";
import { acceptPayment } from "../../lib/receiver/acceptPayment";
import { commitAcceptance } from "../../lib/receiver/commitAcceptance";
import { findPublishedArticle } from "../../lib/receiver/articles";
import { findChannel } from "../../lib/receiver/channels";
import { hasBought } from "../../lib/receiver/entitlements";
import { typedDataDigest } from "../../lib/protocol/typedDataDigest";
import { verifyBalanceProof } from "../../lib/protocol/verifyBalanceProof";
import { recoverAddressFast } from "../../lib/receiver/recoverAddressFast";
import { signerRecovery } from "../../lib/receiver/signerRecovery";
import { typedDataDigestFast, typedDataDigestFastReady } from "../../lib/receiver/typedDataDigestFast";
import { createTestDatabase } from "../../test/db/databases";
import { devAccount } from "../lib/localChain";
import { scratchReceiver } from "./acceptance";

const CALLS = Number(process.argv[2] ?? 300);
const PRICE = 10n ** 15n;
const CHAIN_ID = 31337;
const MANAGER = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;
const sender = devAccount(2);
const receiverAccount = devAccount(1);
const domain = { chainId: CHAIN_ID, verifyingContract: MANAGER };
const channelAt = (openBlock: bigint) => ({ sender: sender.address, receiver: receiverAccount.address, openBlock });

type Row = { step: string; meanMs: number; p50Ms: number; cpuMs: number };
const rows: Row[] = [];

/** Times `calls` sequential calls of `run(i)`, after a few untimed ones to warm the JIT. */
async function time(step: string, calls: number, run: (i: number) => Promise<unknown> | unknown, warm = 20): Promise<void> {
  for (let i = 0; i < Math.min(warm, calls); i++) await run(i);
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = warm; i < calls + warm; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  samples.sort((a, b) => a - b);
  rows.push({
    step,
    meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
    p50Ms: samples[Math.floor(samples.length / 2)],
    cpuMs: (cpu.user + cpu.system) / 1000 / calls,
  });
}

async function sign(openBlock: bigint, count: number): Promise<Payment[]> {
  const id = channelAt(openBlock);
  const payments: Payment[] = [];
  for (let k = 1; k <= count; k++) {
    const balance = BigInt(k) * PRICE;
    payments.push({ ...id, balance, balanceSignature: await sender.signTypedData(balanceProofTypedData(domain, id, balance)) });
  }
  return payments;
}

/** Open file descriptors of this process on `file` (each SQLite connection holds one). */
function descriptorsOn(file: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

// --- Signature verification: no I/O, the same in every mode ---------------------------------
const total = CALLS + 20;
const proofs = await sign(1n, total);
await typedDataDigestFastReady();
await time("verifyBalanceProof as the receiver calls it (WebAssembly digest + native recovery + compare)", CALLS, (i) =>
  verifyBalanceProof(domain, channelAt(1n), proofs[i].balance, proofs[i].balanceSignature, null, signerRecovery),
);
const hashes = proofs.map((p) => hashTypedData(balanceProofTypedData(domain, channelAt(1n), p.balance)));
await time("  EIP-712 digest, keccak-256 in WebAssembly (typedDataDigestFast)", CALLS, (i) => typedDataDigestFast(balanceProofTypedData(domain, channelAt(1n), proofs[i].balance)));
await time("  EIP-712 digest, domain separator kept (typedDataDigest)", CALLS, (i) => typedDataDigest(balanceProofTypedData(domain, channelAt(1n), proofs[i].balance)));
await time("  EIP-712 digest (viem hashTypedData)", CALLS, (i) => hashTypedData(balanceProofTypedData(domain, channelAt(1n), proofs[i].balance)));
await time("  secp256k1 recovery (native libsecp256k1, recoverAddressFast)", CALLS, (i) => recoverAddressFast(hashes[i], proofs[i].balanceSignature));
await time("  secp256k1 recovery (viem → @noble/curves)", CALLS, (i) => recoverPublicKey({ hash: hashes[i], signature: proofs[i].balanceSignature }));

// --- The store: Prisma over libsql (lib/db), per journal mode ---------------------------------
const variants = [
  { mode: "rollback journal", wal: false },
  { mode: "WAL (the site's, scripts/db/migrations.ts)", wal: true },
];
for (const { mode, wal } of variants) {
  await using database = await createTestDatabase("sqlite");
  const file = database.url.replace(/^file:/, "");
  if (wal) await database.db.$queryRaw`PRAGMA journal_mode=WAL`;
  const { db } = database;
  const receiver = await scratchReceiver(db);
  const articles: Article[] = [];
  for (let k = 0; k < total * 2; k++) {
    articles.push(
      await db.article.create({
        data: { slug: `a-${k}`, title: "t", teaser: "t", body: "b", price: toDbAmount(PRICE), published: true },
      }),
    );
  }
  const channelRow = (openBlock: bigint) =>
    db.channel.create({
      data: {
        chainId: CHAIN_ID,
        contract: toDbAddress(MANAGER),
        sender: toDbAddress(sender.address),
        receiver: toDbAddress(receiverAccount.address),
        openBlock,
        deposit: toDbAmount(10n ** 21n),
        confirmed: true,
      },
    });
  // Channel 1 pays through acceptPayment; channel 2 takes the bare acceptance writes.
  await channelRow(1n);
  const writing = await channelRow(2n);
  const label = (step: string) => `${step} [${mode}]`;

  await time(label("article by slug (findPublishedArticle)"), CALLS, (i) => findPublishedArticle(receiver, `a-${i}`));
  await time(label("channel by key (findChannel)"), CALLS, () => findChannel(receiver, channelAt(1n)));
  await time(label("purchase by buyer+article (hasBought, the re-read lookup)"), CALLS, (i) => hasBought(db, channelAt(1n).sender, articles[i].id));

  // The acceptance write exactly as acceptPayment makes it (a group of one), on its own.
  const fdsBefore = descriptorsOn(file);
  let version = 0;
  await time(label("acceptance write (commitAcceptance: guarded update + purchase, one commit)"), CALLS, async (i) => {
    const won = await commitAcceptance(db, {
      channelId: writing.id,
      version,
      buyer: writing.sender,
      signer: writing.sender,
      previous: toDbAmount(BigInt(i) * PRICE),
      balance: toDbAmount(BigInt(i + 1) * PRICE),
      signature: proofs[i].balanceSignature.toLowerCase(),
      articleId: articles[total + i].id,
      amount: toDbAmount(PRICE),
    });
    if (won !== "won") throw new Error(`write ${i} lost its guard`);
    version++;
  });
  const fdsAfter = descriptorsOn(file);

  // The receiver's whole rule for a fresh proof and for a re-read, chain untouched.
  await time(label("acceptPayment, fresh proof (lookup + verify + transaction)"), CALLS, (i) => acceptPayment(receiver, articles[i], proofs[i]));
  // The stored proof is public, so it re-reads only for a caller that proved the sender (a token).
  await time(label("acceptPayment, re-read with the latest proof, sender proven"), CALLS, (i) =>
    acceptPayment(receiver, articles[i % 50], proofs[CALLS + 19], { provenBuyer: sender.address }),
  );
  console.log(`[${mode}] descriptors open on the database: ${fdsBefore} before the transactions, ${fdsAfter} after ${CALLS + 20}`);
}

const width = Math.max(...rows.map((r) => r.step.length));
// Wall time includes waiting (fsync, a busy machine's run queue); CPU time (user + system, every
// thread of this process) is what the step costs the server's cores.
console.log(`\n${"step".padEnd(width)}  wall mean  wall p50  CPU mean (ms)`);
for (const row of rows) {
  console.log(`${row.step.padEnd(width)}  ${row.meanMs.toFixed(3).padStart(9)}  ${row.p50Ms.toFixed(3).padStart(8)}  ${row.cpuMs.toFixed(3).padStart(8)}`);
}
