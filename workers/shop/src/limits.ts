/** The largest product image accepted (POST /shop/v1/products/{id}/images), in bytes: 5 MiB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
