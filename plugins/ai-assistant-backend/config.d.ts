export interface Config {
  /** The in-portal AI assistant (plugins/ai-assistant-backend). */
  aiAssistant?: {
    /**
     * Model calls one turn may make (each may be followed by tool calls);
     * a turn that needs more stops with an error saying so. Default 6.
     */
    maxStepsPerTurn?: number;
    /**
     * A model name the gateway knows; omit to let the gateway route by
     * data class and cost (the default).
     */
    model?: string;
    /** Most tokens one model answer may have. Default: the gateway's. */
    maxTokensPerStep?: number;
    approvals?: {
      /**
       * The portal path an approver's notification links to; `{approvalId}`
       * and `{conversationId}` are filled in. Default
       * `/ai-assistant/approvals?approval={approvalId}`.
       */
      linkPath?: string;
    };
  };
}
