-- AlterTable
ALTER TABLE "Article" ADD COLUMN "archivedAt" DATETIME;

-- CreateTable
CREATE TABLE "ArticleDailyStats" (
    "articleId" INTEGER NOT NULL,
    "day" DATETIME NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "paywalls" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("articleId", "day"),
    CONSTRAINT "ArticleDailyStats_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "Article" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SiteSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ArticleDailyStats_day_idx" ON "ArticleDailyStats"("day");
