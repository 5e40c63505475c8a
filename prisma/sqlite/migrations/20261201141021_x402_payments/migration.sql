-- CreateTable
CREATE TABLE "X402Payment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chainId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "articleId" INTEGER NOT NULL,
    "amount" TEXT NOT NULL,
    "validBefore" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'settling',
    "claim" TEXT,
    "transactionId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "X402Payment_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "X402Payment_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "ReceiverTransaction" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_claim_key" ON "X402Payment"("claim");

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_transactionId_key" ON "X402Payment"("transactionId");

-- CreateIndex
CREATE INDEX "X402Payment_articleId_idx" ON "X402Payment"("articleId");

-- CreateIndex
CREATE UNIQUE INDEX "X402Payment_chainId_token_payer_nonce_key" ON "X402Payment"("chainId", "token", "payer", "nonce");
