/**
 * The words on our creatives, per language. Short on purpose: a badge has room for two or
 * three words. `{n}`-style slots are filled by the functions. Add a language by adding a block;
 * src/creative/copy.ts falls back to English for anything missing.
 */
export interface Copy {
  /** sale badge: "-30%" style; the number is already localised */
  percentOff(pct: string): string;
  sale: string;
  freeShipping: string;
  priceDropped: string;
  was(price: string): string;
  onlyLeft(n: number): string;
  backInStock: string;
  soldOut: string;
  recentlyViewed: string;
  stillInterested: string;
  inYourCart: string;
  completeOrder: string;
  shopNow: string;
}

export const COPY: Record<string, Copy> = {
  en: {
    percentOff: (p) => `-${p}`,
    sale: 'Sale',
    freeShipping: 'Free shipping',
    priceDropped: 'Price dropped',
    was: (p) => `Was ${p}`,
    onlyLeft: (n) => `Only ${n} left`,
    backInStock: 'Back in stock',
    soldOut: 'Sold out',
    recentlyViewed: 'Recently viewed',
    stillInterested: 'Still interested?',
    inYourCart: 'Still in your cart',
    completeOrder: 'Complete your order',
    shopNow: 'Shop now',
  },
  nl: {
    percentOff: (p) => `-${p}`,
    sale: 'Sale',
    freeShipping: 'Gratis verzending',
    priceDropped: 'Prijs verlaagd',
    was: (p) => `Was ${p}`,
    onlyLeft: (n) => `Nog maar ${n}`,
    backInStock: 'Weer op voorraad',
    soldOut: 'Uitverkocht',
    recentlyViewed: 'Onlangs bekeken',
    stillInterested: 'Nog steeds interesse?',
    inYourCart: 'Nog in je winkelwagen',
    completeOrder: 'Rond je bestelling af',
    shopNow: 'Bekijk nu',
  },
  nb: {
    percentOff: (p) => `-${p}`,
    sale: 'Salg',
    freeShipping: 'Gratis frakt',
    priceDropped: 'Prisen er satt ned',
    was: (p) => `Før ${p}`,
    onlyLeft: (n) => `Kun ${n} igjen`,
    backInStock: 'Tilbake på lager',
    soldOut: 'Utsolgt',
    recentlyViewed: 'Nylig sett',
    stillInterested: 'Fortsatt interessert?',
    inYourCart: 'Fortsatt i handlekurven',
    completeOrder: 'Fullfør bestillingen',
    shopNow: 'Handle nå',
  },
  af: {
    percentOff: (p) => `-${p}`,
    sale: 'Uitverkoping',
    freeShipping: 'Gratis aflewering',
    priceDropped: 'Prys verlaag',
    was: (p) => `Was ${p}`,
    onlyLeft: (n) => `Net ${n} oor`,
    backInStock: 'Weer in voorraad',
    soldOut: 'Uitverkoop',
    recentlyViewed: 'Onlangs bekyk',
    stillInterested: 'Steeds belangstelling?',
    inYourCart: 'Nog in jou mandjie',
    completeOrder: 'Voltooi jou bestelling',
    shopNow: 'Koop nou',
  },
  fy: {
    percentOff: (p) => `-${p}`,
    sale: 'Útferkeap',
    freeShipping: 'Fergees ferstjoerd',
    priceDropped: 'Priis ferlege',
    was: (p) => `Wie ${p}`,
    onlyLeft: (n) => `Noch mar ${n}`,
    backInStock: 'Wer op foarried',
    soldOut: 'Útferkocht',
    recentlyViewed: 'Koartlyn besjoen',
    stillInterested: 'Noch altyd ynteresse?',
    inYourCart: 'Noch yn dyn winkelweinkje',
    completeOrder: 'Rûn dyn bestelling ôf',
    shopNow: 'Sjoch no',
  },
  de: {
    percentOff: (p) => `-${p}`,
    sale: 'Sale',
    freeShipping: 'Kostenloser Versand',
    priceDropped: 'Preis gesenkt',
    was: (p) => `Statt ${p}`,
    onlyLeft: (n) => `Nur noch ${n}`,
    backInStock: 'Wieder da',
    soldOut: 'Ausverkauft',
    recentlyViewed: 'Zuletzt angesehen',
    stillInterested: 'Noch interessiert?',
    inYourCart: 'Noch in deinem Warenkorb',
    completeOrder: 'Bestellung abschließen',
    shopNow: 'Jetzt ansehen',
  },
  fr: {
    percentOff: (p) => `-${p}`,
    sale: 'Soldes',
    freeShipping: 'Livraison offerte',
    priceDropped: 'Prix en baisse',
    was: (p) => `Avant ${p}`,
    onlyLeft: (n) => `Plus que ${n}`,
    backInStock: 'De retour en stock',
    soldOut: 'Épuisé',
    recentlyViewed: 'Vus récemment',
    stillInterested: 'Toujours intéressé ?',
    inYourCart: 'Encore dans votre panier',
    completeOrder: 'Finalisez votre commande',
    shopNow: 'Découvrir',
  },
};
