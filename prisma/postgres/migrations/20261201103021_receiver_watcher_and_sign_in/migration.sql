-- CreateEnum
CREATE TYPE "ChainEventKind" AS ENUM ('created', 'toppedUp', 'withdrawn', 'closeRequested', 'settled');

-- CreateEnum
CREATE TYPE "TransactionKind" AS ENUM ('dispute', 'withdraw');

-- CreateEnum
CREATE TYPE "TransactionStatus" AS ENUM ('queued', 'sent', 'mined', 'confirmed', 'failed');

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "closeIssuedAt" TIMESTAMP(3),
ADD COLUMN     "closingBalance" TEXT,
ADD COLUMN     "lastPaidAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ChainEvent" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "txHash" TEXT NOT NULL,
    "kind" "ChainEventKind" NOT NULL,
    "sender" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "openBlock" BIGINT NOT NULL,
    "amount" TEXT NOT NULL,
    "delegate" TEXT,
    "settleTime" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainCursor" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "head" BIGINT NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL,
    "lastError" TEXT,

    CONSTRAINT "ChainCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainCheckpoint" (
    "id" SERIAL NOT NULL,
    "cursorId" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,

    CONSTRAINT "ChainCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "renewedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ReceiverTransaction" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "kind" "TransactionKind" NOT NULL,
    "status" "TransactionStatus" NOT NULL DEFAULT 'queued',
    "channelId" INTEGER,
    "to" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "balance" TEXT,
    "nonce" INTEGER,
    "gasLimit" TEXT,
    "hash" TEXT,
    "blockNumber" BIGINT,
    "gasUsed" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReceiverTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransactionBroadcast" (
    "id" SERIAL NOT NULL,
    "transactionId" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "maxFeePerGas" TEXT NOT NULL,
    "maxPriorityFeePerGas" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAtBlock" BIGINT NOT NULL,

    CONSTRAINT "TransactionBroadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInNonce" (
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInNonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE INDEX "ChainEvent_chainId_contract_sender_receiver_openBlock_idx" ON "ChainEvent"("chainId", "contract", "sender", "receiver", "openBlock");

-- CreateIndex
CREATE UNIQUE INDEX "ChainEvent_chainId_contract_blockNumber_logIndex_key" ON "ChainEvent"("chainId", "contract", "blockNumber", "logIndex");

-- CreateIndex
CREATE UNIQUE INDEX "ChainCursor_chainId_contract_receiver_key" ON "ChainCursor"("chainId", "contract", "receiver");

-- CreateIndex
CREATE UNIQUE INDEX "ChainCheckpoint_cursorId_blockNumber_key" ON "ChainCheckpoint"("cursorId", "blockNumber");

-- CreateIndex
CREATE INDEX "ReceiverTransaction_status_idx" ON "ReceiverTransaction"("status");

-- CreateIndex
CREATE INDEX "ReceiverTransaction_channelId_kind_idx" ON "ReceiverTransaction"("channelId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "TransactionBroadcast_hash_key" ON "TransactionBroadcast"("hash");

-- CreateIndex
CREATE INDEX "TransactionBroadcast_transactionId_idx" ON "TransactionBroadcast"("transactionId");

-- CreateIndex
CREATE INDEX "SignInNonce_expiresAt_idx" ON "SignInNonce"("expiresAt");

-- AddForeignKey
ALTER TABLE "ChainCheckpoint" ADD CONSTRAINT "ChainCheckpoint_cursorId_fkey" FOREIGN KEY ("cursorId") REFERENCES "ChainCursor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceiverTransaction" ADD CONSTRAINT "ReceiverTransaction_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransactionBroadcast" ADD CONSTRAINT "TransactionBroadcast_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "ReceiverTransaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
