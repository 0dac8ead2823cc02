export interface Config {
  pilothouse?: {
    localRepositories?: {
      /**
       * Folder where the `pilothouse:publishLocal` scaffolder action creates
       * Git repositories (relative to the backend's working directory). On a
       * laptop: `data/repos` under the checkout. Unset, the action fails and
       * says so; production publishes with publish:github or publish:gitlab.
       */
      directory?: string;
    };
  };
}
