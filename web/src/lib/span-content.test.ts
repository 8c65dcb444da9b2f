import { describe, expect, it } from 'vitest';
import { readable, spanContent } from './span-content.js';

describe('spanContent', () => {
  it('reads OpenLLMetry indexed messages in order with their roles', () => {
    const content = spanContent({
      attributes: {
        'gen_ai.prompt.1.content': 'How do I reset my password?',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You are a support agent.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.completion.0.content': 'Click "Forgot password".',
        'gen_ai.completion.0.role': 'assistant',
      },
      events: [],
    });
    expect(content.prompt.map((p) => [p.role, p.text])).toEqual([
      ['system', 'You are a support agent.'],
      ['user', 'How do I reset my password?'],
    ]);
    expect(content.completion).toEqual([
      { source: 'gen_ai.completion.0', role: 'assistant', text: 'Click "Forgot password".' },
    ]);
  });

  it('reads whole-value conventions and event content, pretty-printing JSON', () => {
    const content = spanContent({
      attributes: { 'input.value': '{"question":"hi"}', 'ai.response.text': 'hello' },
      events: [{ name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': 'from an event' } }],
    });
    expect(content.prompt).toEqual([{ source: 'input.value', text: '{\n  "question": "hi"\n}' }]);
    expect(content.completion.map((c) => c.text)).toEqual(['hello', 'from an event']);
  });

  it('splits the current GenAI content event into prompt and completion, and reads message events’ bodies', () => {
    const content = spanContent({
      attributes: {},
      events: [
        {
          name: 'gen_ai.client.inference.operation.details',
          attributes: {
            'gen_ai.input.messages': '[{"role":"user"}]',
            'gen_ai.output.messages': 'answer',
            'gen_ai.request.model': 'gpt-4o',
          },
        },
        { name: 'gen_ai.user.message', attributes: { body: '{"content":"hello"}' } },
      ],
    });
    expect(content.prompt.map((c) => c.source)).toEqual([
      'gen_ai.client.inference.operation.details · gen_ai.input.messages',
      'gen_ai.user.message · body',
    ]);
    expect(content.completion).toEqual([
      { source: 'gen_ai.client.inference.operation.details · gen_ai.output.messages', text: 'answer' },
    ]);
  });

  it('finds nothing on a span without captured content', () => {
    expect(spanContent({ attributes: { 'gen_ai.request.model': 'gpt-4o' }, events: [] })).toEqual({
      prompt: [],
      completion: [],
    });
  });

  it('leaves text that only looks like JSON untouched', () => {
    expect(readable('[not json')).toBe('[not json');
  });
});
