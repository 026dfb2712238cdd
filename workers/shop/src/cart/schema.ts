// cart tables: see migrations/shop
export {};
