export interface Config {
  permission?: {
    /** Pilothouse's portal permission policy. */
    pilothouse?: {
      /**
       * Groups whose members may administer the portal (register and delete
       * entities, and everything else). Everyone else reads, refreshes what
       * they own and runs software templates.
       * Default: ['group:default/platform-admins']
       */
      adminGroups?: string[];
      /**
       * Groups whose members may acknowledge and resolve log search
       * detections (everyone signed in may read them).
       * Default: ['group:default/security-team', 'group:default/sre']
       */
      detectionResponderGroups?: string[];
    };
  };
}
