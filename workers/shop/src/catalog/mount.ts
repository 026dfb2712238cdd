import type { shop as Shop } from "../product";
import { categoryReads, categoryWrites } from "./categories";
import { imageReads, imageWrites } from "./images";
import { listReads } from "./list";
import { productReads, productWrites } from "./products";
import { reviewReads, reviewWrites } from "./reviews";
import { wishlistRoutes } from "./wishlist";

/**
 * Mounts the catalog: reads open to anonymous callers on `shop.open` (each with optional
 * authentication, so admins see drafts and stock; images need none), admin writes, reviews and the
 * wishlist on the guarded `shop.v1`.
 */
export function mountCatalog(shop: typeof Shop): void {
  shop.open.route("/", categoryReads);
  shop.open.route("/", listReads);
  shop.open.route("/", productReads);
  shop.open.route("/", reviewReads);
  shop.open.route("/", imageReads);
  shop.v1.route("/", categoryWrites);
  shop.v1.route("/", productWrites);
  shop.v1.route("/", imageWrites);
  shop.v1.route("/", reviewWrites);
  shop.v1.route("/", wishlistRoutes);
}
