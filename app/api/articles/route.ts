import { listCatalog } from "@/lib/receiver/articles";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { respond } from "@/lib/receiver/respond";
import { tokenUnit } from "@/lib/token";

export const dynamic = "force-dynamic";

/** The catalog with prices and the payment terms common to every article; never a body. */
export async function GET() {
  return respond(async () => {
    const receiver = getReceiver();
    const { config } = receiver;
    const articles = await listCatalog(receiver);
    return {
      chainId: config.chainId,
      contract: config.channelManager,
      receiver: config.receiver.address,
      token: { address: config.token, ...tokenUnit },
      articles: articles.map((a) => ({ ...a, price: a.price.toString(), url: `/articles/${a.slug}` })),
    };
  });
}
