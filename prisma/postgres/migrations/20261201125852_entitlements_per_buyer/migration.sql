-- DropIndex
DROP INDEX "Purchase_channelId_articleId_key";

-- AlterTable
ALTER TABLE "Purchase" ADD COLUMN     "buyer" TEXT,
ALTER COLUMN "channelId" DROP NOT NULL,
ALTER COLUMN "balance" DROP NOT NULL,
ALTER COLUMN "signature" DROP NOT NULL;

-- Hand-edited: every existing purchase is a channel purchase, bought by the sender of its channel.
-- The old rule charged a sender once per channel, and the new key allows one row per buyer and
-- article, so only the first purchase by one sender of one article is kept (the channel
-- balances still hold what the later ones were charged).
UPDATE "Purchase" p SET "buyer" = c."sender" FROM "Channel" c WHERE c."id" = p."channelId";
DELETE FROM "Purchase" p USING "Purchase" q
WHERE q."buyer" = p."buyer" AND q."articleId" = p."articleId" AND q."id" < p."id";
ALTER TABLE "Purchase" ALTER COLUMN "buyer" SET NOT NULL;

-- CreateIndex
CREATE INDEX "Purchase_channelId_idx" ON "Purchase"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_buyer_articleId_key" ON "Purchase"("buyer", "articleId");
