-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ChannelStatus" AS ENUM ('open', 'closing', 'settled');

-- CreateTable
CREATE TABLE "Channel" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "openBlock" BIGINT NOT NULL,
    "delegate" TEXT,
    "deposit" TEXT NOT NULL,
    "status" "ChannelStatus" NOT NULL DEFAULT 'open',
    "settleAfter" BIGINT,
    "confirmed" BOOLEAN NOT NULL DEFAULT false,
    "confirmedBlock" BIGINT,
    "balance" TEXT NOT NULL DEFAULT '000000000000000000000000000000000000000',
    "balanceSignature" TEXT,
    "withdrawn" TEXT NOT NULL DEFAULT '000000000000000000000000000000000000000',
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Purchase" (
    "id" SERIAL NOT NULL,
    "channelId" INTEGER NOT NULL,
    "articleId" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "balance" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Purchase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClosingSignature" (
    "id" SERIAL NOT NULL,
    "channelId" INTEGER NOT NULL,
    "balance" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClosingSignature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Article" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "teaser" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "price" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Article_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Channel_status_idx" ON "Channel"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_chainId_contract_sender_receiver_openBlock_key" ON "Channel"("chainId", "contract", "sender", "receiver", "openBlock");

-- CreateIndex
CREATE INDEX "Purchase_articleId_idx" ON "Purchase"("articleId");

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_channelId_articleId_key" ON "Purchase"("channelId", "articleId");

-- CreateIndex
CREATE UNIQUE INDEX "ClosingSignature_channelId_balance_key" ON "ClosingSignature"("channelId", "balance");

-- CreateIndex
CREATE UNIQUE INDEX "Article_slug_key" ON "Article"("slug");

-- AddForeignKey
ALTER TABLE "Purchase" ADD CONSTRAINT "Purchase_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Purchase" ADD CONSTRAINT "Purchase_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClosingSignature" ADD CONSTRAINT "ClosingSignature_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
