export interface Config {
  pilothouse?: {
    signIn?: {
      /**
       * Offer the guest sign-in ("Enter") when the proxy does not identify
       * the user. On for the laptop default, off in production.
       * @visibility frontend
       */
      guest?: boolean;
    };
  };
}
