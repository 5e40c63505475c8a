-- AlterTable
ALTER TABLE "Article" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ArticleDailyStats" (
    "articleId" INTEGER NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "paywalls" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ArticleDailyStats_pkey" PRIMARY KEY ("articleId","day")
);

-- CreateTable
CREATE TABLE "SiteSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ArticleDailyStats_day_idx" ON "ArticleDailyStats"("day");

-- AddForeignKey
ALTER TABLE "ArticleDailyStats" ADD CONSTRAINT "ArticleDailyStats_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article"("id") ON DELETE CASCADE ON UPDATE CASCADE;
