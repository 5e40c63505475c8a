-- CreateEnum
CREATE TYPE "X402PaymentStatus" AS ENUM ('settling', 'settled', 'failed');

-- AlterEnum
ALTER TYPE "TransactionKind" ADD VALUE 'x402Transfer';

-- CreateTable
CREATE TABLE "X402Payment" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "articleId" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "validBefore" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,
    "status" "X402PaymentStatus" NOT NULL DEFAULT 'settling',
    "claim" TEXT,
    "transactionId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "X402Payment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_claim_key" ON "X402Payment"("claim");

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_transactionId_key" ON "X402Payment"("transactionId");

-- CreateIndex
CREATE INDEX "X402Payment_articleId_idx" ON "X402Payment"("articleId");

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_chainId_token_payer_nonce_key" ON "X402Payment"("chainId", "token", "payer", "nonce");

-- AddForeignKey
ALTER TABLE "X402Payment" ADD CONSTRAINT "X402Payment_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "X402Payment" ADD CONSTRAINT "X402Payment_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "ReceiverTransaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
