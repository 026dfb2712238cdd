// orders tables: see migrations/shop
export {};
