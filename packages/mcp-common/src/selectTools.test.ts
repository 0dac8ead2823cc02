import { selectTools } from './selectTools';

const tools = [
  { name: 'list_things', annotations: { readOnlyHint: true } },
  { name: 'delete_thing', annotations: { destructiveHint: true } },
  { name: 'get_thing', annotations: { readOnlyHint: true } },
];
const names = (list: { name: string }[]) => list.map(t => t.name);

describe('selectTools', () => {
  it('registers everything by default', () => {
    expect(names(selectTools(tools, {}))).toEqual([
      'list_things',
      'delete_thing',
      'get_thing',
    ]);
  });

  it('drops every tool without readOnlyHint in read-only mode', () => {
    expect(names(selectTools(tools, { readOnly: true }))).toEqual([
      'list_things',
      'get_thing',
    ]);
  });

  it('keeps only allowed tools, and read-only still wins', () => {
    expect(
      names(selectTools(tools, { allow: ['delete_thing', 'get_thing'] })),
    ).toEqual(['delete_thing', 'get_thing']);
    expect(
      names(
        selectTools(tools, {
          allow: ['delete_thing', 'get_thing'],
          readOnly: true,
        }),
      ),
    ).toEqual(['get_thing']);
  });

  it('refuses an unknown name in the allow-list, naming it', () => {
    expect(() => selectTools(tools, { allow: ['get_thnig'] })).toThrow(
      /Unknown tool\(s\) in the allow-list: get_thnig; known tools: list_things/,
    );
  });
});
