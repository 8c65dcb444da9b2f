import { count, isObject, malformed, type Provider } from './provider.js';

/**
 * OpenAI-compatible chat completions (`POST {baseUrl}/chat/completions`, `Authorization: Bearer`): OpenAI, Azure
 * OpenAI's v1 API, vLLM, Ollama, LiteLLM and most gateways. The response schema goes out as
 * `response_format: {type: "json_schema", …, strict: true}`.
 */
export const openaiChat: Provider = {
  name: 'openai',
  httpCall: (baseUrl, secret, request) => {
    const s = request.settings;
    return {
      url: `${baseUrl}/chat/completions`,
      headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
      body: {
        model: request.model,
        messages: request.messages.map((m) => ({
          role: m.role,
          content: m.content,
          ...(m.name ? { name: m.name } : {}),
        })),
        ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
        ...(s.maxTokens !== undefined ? { max_completion_tokens: s.maxTokens } : {}),
        ...(s.topP !== undefined ? { top_p: s.topP } : {}),
        ...(s.stop !== undefined ? { stop: s.stop } : {}),
        ...(s.seed !== undefined ? { seed: s.seed } : {}),
        ...(request.responseSchema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'response', schema: request.responseSchema, strict: true },
              },
            }
          : {}),
      },
    };
  },
  parseAnswer: (json) => {
    if (!isObject(json)) throw malformed('not a JSON object');
    const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (!isObject(choice) || !isObject(choice.message)) throw malformed('no choices[0].message');
    const content = choice.message.content;
    const refusal = choice.message.refusal;
    if (typeof content !== 'string' && typeof refusal !== 'string')
      throw malformed('choices[0].message.content is not text');
    const usage = isObject(json.usage) ? json.usage : {};
    const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
    return {
      text: typeof content === 'string' ? content : String(refusal),
      responseModel: typeof json.model === 'string' ? json.model : '',
      finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : '',
      inputTokens: count(usage.prompt_tokens),
      outputTokens: count(usage.completion_tokens),
      cachedInputTokens: count(details.cached_tokens),
    };
  },
  errorDetails: (json) => {
    const error = isObject(json) && isObject(json.error) ? json.error : {};
    return {
      message: typeof error.message === 'string' ? error.message : '',
      code: typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : '',
    };
  },
};
