import { parseAmount } from "../../lib/protocol/amounts";

const TOLL = (amount: string) => parseAmount(amount, 18);

/** The demo's articles: a couple free, the rest priced in cents of the demo token. */
export const sampleArticles = [
  {
    slug: "welcome-to-tollgate",
    title: "Welcome to Tollgate",
    teaser: "How paying per article works, and why it costs you one signature instead of a subscription.",
    body: "Tollgate sells articles one read at a time. You open a payment channel once, with a deposit that stays yours until you spend it.\n\nEach article then costs a signature over the running total you have paid, checked by the server in a millisecond and settled on chain only when the channel closes.\n\nThis article is free: the others show what a paid read feels like.",
    price: 0n,
  },
  {
    slug: "micropayment-channels-explained",
    title: "Micropayment channels, explained",
    teaser: "A deposit, a running total and two signatures: the whole protocol in five minutes.",
    body: "A channel starts with a deposit escrowed by a contract. The reader signs balance proofs: each says 'I have paid this much in total so far'. Because the total only grows, the receiver needs to keep just the latest one.\n\nTo close, the receiver signs a closing commitment over the final balance, and anyone can submit both signatures: the contract pays the receiver the balance and refunds the rest.\n\nIf the receiver does not answer, the reader closes alone and a challenge period gives the receiver time to present a later proof.",
    price: TOLL("0.01"),
  },
  {
    slug: "the-economics-of-a-single-read",
    title: "The economics of a single read",
    teaser: "Why a cent per article was impossible with cards, and what changes when the fee is zero.",
    body: "Card networks charge a fixed fee per transaction that dwarfs a one-cent price. Subscriptions were the workaround: bundle a month of reading into one charge.\n\nOff-chain payments remove the per-transaction fee entirely. The only on-chain costs are opening and closing a channel, shared across every article read in between.",
    price: TOLL("0.02"),
  },
  {
    slug: "session-keys-without-fear",
    title: "Session keys without fear",
    teaser: "Letting the browser sign for you, and why a stolen session key can only pay the publisher.",
    body: "A session key is a throwaway key your browser makes and your channel names as its delegate. It signs balance proofs, so reading an article needs no wallet prompt.\n\nIts power is bounded by construction: a balance proof can only move your deposit to the one receiver of that channel, and only up to the deposit.",
    price: TOLL("0.05"),
  },
  {
    slug: "a-free-guide-to-closing-channels",
    title: "A free guide to closing channels",
    teaser: "Cooperative close, uncooperative close, settle: which to use and when.",
    body: "Most channels close cooperatively: ask the publisher for its closing signature and submit it with your last proof.\n\nIf the publisher is gone, close alone: a challenge period starts, and when it ends you settle and get your remaining deposit back.",
    price: 0n,
  },
  {
    slug: "disputes-and-the-challenge-period",
    title: "Disputes and the challenge period",
    teaser: "What happens when a reader tries to close a channel with an old balance.",
    body: "A reader who closes alone names a balance. If it is lower than the latest proof the publisher holds, the publisher has the whole challenge period to answer with that proof, closing the channel at the true balance.\n\nTollgate's server watches the chain and does this for you, even after a restart.",
    price: TOLL("0.03"),
  },
];
