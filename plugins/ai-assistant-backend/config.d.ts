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
       * `/ai-assistant?approval={approvalId}`.
       */
      linkPath?: string;
    };
    /** Voice input: speech to text for `/v1/transcribe`. */
    transcription?: {
      /**
       * `auto` (default): Whisper when `whisper.baseUrl` is set, else
       * pocketsphinx when installed; or `pocketsphinx`, `whisper`, `off`.
       */
      engine?: 'auto' | 'pocketsphinx' | 'whisper' | 'off';
      /** Longest one transcription may take, in seconds. Default 30. */
      timeoutSeconds?: number;
      pocketsphinx?: {
        /** Default `pocketsphinx_continuous` (Debian package pocketsphinx). */
        command?: string;
        /** Default `/usr/share/pocketsphinx/model/en-us` (Debian package pocketsphinx-en-us). */
        modelDir?: string;
      };
      whisper?: {
        /** A Whisper-compatible API (OpenAI's `/v1/audio/transcriptions`), e.g. http://whisper:8000/v1 */
        baseUrl: string;
        /**
         * @visibility secret
         */
        apiKey?: string;
        /** Default whisper-1. */
        model?: string;
        /** ISO 639-1, e.g. en. */
        language?: string;
      };
    };
  };
}
