-- AlterTable
ALTER TABLE "Channel" ADD COLUMN "closeIssuedAt" DATETIME;
ALTER TABLE "Channel" ADD COLUMN "closingBalance" TEXT;
ALTER TABLE "Channel" ADD COLUMN "lastPaidAt" DATETIME;

-- CreateTable
CREATE TABLE "ChainEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chainId" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "txHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "openBlock" BIGINT NOT NULL,
    "amount" TEXT NOT NULL,
    "delegate" TEXT,
    "settleTime" BIGINT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ChainCursor" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chainId" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "head" BIGINT NOT NULL,
    "syncedAt" DATETIME NOT NULL,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "ChainCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "cursorId" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    CONSTRAINT "ChainCheckpoint_cursorId_fkey" FOREIGN KEY ("cursorId") REFERENCES "ChainCursor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "renewedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ReceiverTransaction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chainId" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
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
    "nextAttemptAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ReceiverTransaction_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TransactionBroadcast" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "transactionId" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "maxFeePerGas" TEXT NOT NULL,
    "maxPriorityFeePerGas" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAtBlock" BIGINT NOT NULL,
    CONSTRAINT "TransactionBroadcast_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "ReceiverTransaction" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInNonce" (
    "nonce" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
