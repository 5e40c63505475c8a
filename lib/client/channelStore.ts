import * as z from "zod/mini";
import type { Address, Hex } from "viem";
import type { ChannelId } from "../protocol/typedData";
import { addressCodec, chainIdNumber, decodeFields, encodeFields, signatureCodec, uint128Codec, uint64Codec } from "../protocol/wire";
import type { ClientStorage } from "./storage/ClientStorage";

/** Where a channel is in its life, as this client last saw it. */
export type ChannelStatus = "open" | "closing" | "settled";

/**
 * What the client remembers about one of its channels.
 *
 * Invariants: `balance ≤ deposit`; `balanceSignature` is a proof of `balance` by the sender or
 * the delegate (absent only while `balance` is 0 or a proof of it was never seen); `signed`,
 * when present, is at least `balance`.
 */
export type ChannelRecord = ChannelId & {
  chainId: number;
  /** The channel manager (the EIP-712 domain's verifying contract). */
  contract: Address;
  token: Address;
  /** The delegate named on chain when the channel was opened (its key may be in storage). */
  delegate?: Address | undefined;
  /** The deposit as last read from the chain. */
  deposit: bigint;
  /**
   * The balance the receiver holds a proof of: accepted by the server (a receipt), or adopted
   * from the server's stored proof after verifying its signature. What the next article is
   * signed on top of, and what a cooperative close commits to.
   */
  balance: bigint;
  balanceSignature?: Hex | undefined;
  /**
   * The highest balance this client has signed, even if no answer came back. The receiver may
   * hold it, so an honest uncooperative close claims at least this much.
   */
  signed?: { balance: bigint; balanceSignature: Hex } | undefined;
  status: ChannelStatus;
  /** Unix seconds after which a closing channel can be settled. */
  settleTime?: bigint | undefined;
  /** The site (URL origin) this channel pays, once known: its channel API is asked on recovery. */
  origin?: string | undefined;
  /** Milliseconds since the epoch of the last change: the newest channel is tried first. */
  updatedAt: number;
};

/**
 * The highest balance the reader is known to have signed on a channel: the highest proof this
 * client signed, or a higher one it adopted (verified) from the server, or what the receiver
 * withdrew (it needed a proof of that much). What the receiver can claim at most, and so what a
 * new proof is measured against: signing at or below it costs the reader nothing more.
 *
 * @example
 * const raise = balance > highestSigned(record) ? balance - highestSigned(record) : 0n
 */
export function highestSigned(record: Pick<ChannelRecord, "balance" | "signed">): bigint {
  const signed = record.signed?.balance ?? 0n;
  return signed > record.balance ? signed : record.balance;
}

const recordSchema = z.object({
  version: z.literal(1),
  chainId: chainIdNumber,
  contract: addressCodec,
  token: addressCodec,
  sender: addressCodec,
  receiver: addressCodec,
  openBlock: uint64Codec,
  delegate: z.optional(addressCodec),
  deposit: uint128Codec,
  balance: uint128Codec,
  balanceSignature: z.optional(signatureCodec),
  signed: z.optional(z.object({ balance: uint128Codec, balanceSignature: signatureCodec })),
  status: z.enum(["open", "closing", "settled"]),
  settleTime: z.optional(uint64Codec),
  origin: z.optional(z.string().check(z.maxLength(2048))),
  updatedAt: z.number().check(z.int(), z.nonnegative()),
});

const sessionKeySchema = z.object({ version: z.literal(1), address: addressCodec, privateKey: z.string().check(z.regex(/^0x[0-9a-f]{64}$/)) });

/** Which channels to list: every field given must match. */
export type ChannelFilter = Partial<Pick<ChannelRecord, "chainId" | "contract" | "sender" | "receiver" | "status" | "origin">>;

const CHANNEL_PREFIX = "channel.";
const SESSION_KEY_PREFIX = "sessionkey.";

/**
 * A channel's storage key: unique per chain, deployment and channel identity.
 *
 * @example
 * channelKey(record) // "channel.31337.0xe7f1….0x3c44….0x7099….5"
 */
export function channelKey(record: Pick<ChannelRecord, "chainId" | "contract" | "sender" | "receiver" | "openBlock">): string {
  return [CHANNEL_PREFIX + record.chainId, record.contract, record.sender, record.receiver, record.openBlock].join(".").toLowerCase();
}

/**
 * Typed access to the channels and session keys in a {@link ClientStorage}. Records are
 * validated on the way in and out: the storage is a trust edge (a file anyone may edit), and a
 * record that no longer parses is skipped with a warning rather than breaking every payment.
 */
export type ChannelStore = ReturnType<typeof createChannelStore>;

/**
 * @example
 * const store = createChannelStore(createMemoryStorage())
 * const open = await store.list({ origin: "http://localhost:3000", status: "open" })
 */
export function createChannelStore(storage: ClientStorage, { warn = console.warn }: { warn?: (message: string) => void } = {}) {
  async function read(key: string): Promise<ChannelRecord | undefined> {
    const text = await storage.get(key);
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      warn(`tollgate: ignoring stored channel ${key}: not JSON`);
      return undefined;
    }
    const decoded = decodeFields(recordSchema, json);
    if (!decoded.ok) {
      warn(`tollgate: ignoring stored channel ${key}: its ${decoded.issue.field || "content"} ${decoded.issue.reason}`);
      return undefined;
    }
    const record: Partial<typeof decoded.value> = { ...decoded.value };
    delete record.version;
    return record as ChannelRecord;
  }

  return {
    get(id: Parameters<typeof channelKey>[0]): Promise<ChannelRecord | undefined> {
      return read(channelKey(id));
    },

    async list(filter: ChannelFilter = {}): Promise<ChannelRecord[]> {
      const keys = await storage.keys(CHANNEL_PREFIX);
      const records = (await Promise.all(keys.map(read))).filter((record): record is ChannelRecord => record !== undefined);
      return records
        .filter((record) =>
          Object.entries(filter).every(([field, value]) => {
            if (value === undefined) return true;
            const own = record[field as keyof ChannelFilter];
            return typeof value === "string" && typeof own === "string" ? own.toLowerCase() === value.toLowerCase() : own === value;
          }),
        )
        .sort((a, b) => b.updatedAt - a.updatedAt);
    },

    async put(record: ChannelRecord): Promise<ChannelRecord> {
      const stamped = { ...record, updatedAt: Date.now() };
      const wire = encodeFields(recordSchema, { version: 1, ...stamped });
      await storage.set(channelKey(record), JSON.stringify(wire, null, 2));
      return stamped;
    },

    /** Stores a generated session key before the channel naming it is opened. */
    async putSessionKey(address: Address, privateKey: Hex): Promise<void> {
      const wire = encodeFields(sessionKeySchema, { version: 1, address, privateKey: privateKey.toLowerCase() });
      await storage.set(`${SESSION_KEY_PREFIX}${address.toLowerCase()}`, JSON.stringify(wire, null, 2));
    },

    async getSessionKey(address: Address): Promise<Hex | undefined> {
      const text = await storage.get(`${SESSION_KEY_PREFIX}${address.toLowerCase()}`);
      if (text === undefined) return undefined;
      try {
        const decoded = decodeFields(sessionKeySchema, JSON.parse(text));
        return decoded.ok ? (decoded.value.privateKey as Hex) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
