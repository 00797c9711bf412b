import { CliError, DEFAULT_HOST, DEFAULT_PORT, helpText, parseArgs } from '../../src/cli/args.js';

const usageError = (argv: string[]): CliError => {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('parses chat with every option, in both --opt value and --opt=value forms', () => {
    expect(
      parseArgs(['chat', '--url', 'ws://h:1/ws', '--agent=a-1', '--token', 't k', '--user', 'Bob', '--email=b@x.io', '-y', '--demo', '-v', '--no-color']),
    ).toEqual({
      command: 'chat',
      url: 'ws://h:1/ws',
      agentId: 'a-1',
      token: 't k',
      userName: 'Bob',
      userEmail: 'b@x.io',
      yes: true,
      demo: true,
      verbose: true,
      color: false,
    });
  });

  it('gives chat defaults: the embedded server, no flags', () => {
    expect(parseArgs(['chat'])).toEqual({
      command: 'chat',
      url: undefined,
      agentId: undefined,
      token: undefined,
      userName: undefined,
      userEmail: undefined,
      yes: false,
      demo: false,
      verbose: false,
      color: undefined,
    });
  });

  it('parses serve with its defaults and options', () => {
    expect(parseArgs(['serve'])).toEqual({ command: 'serve', port: DEFAULT_PORT, host: DEFAULT_HOST, token: undefined });
    expect(parseArgs(['serve', '-p', '0', '--host', '0.0.0.0', '--token=s'])).toEqual({ command: 'serve', port: 0, host: '0.0.0.0', token: 's' });
  });

  it('takes --delay for the embedded demo server of chat and for serve', () => {
    expect(parseArgs(['chat', '--demo', '--delay', '0'])).toMatchObject({ command: 'chat', delayMs: 0 });
    expect(parseArgs(['serve', '--delay=250'])).toMatchObject({ command: 'serve', delayMs: 250 });
    expect(parseArgs(['serve'])).toMatchObject({ delayMs: undefined });
  });

  it('never repeats a token of a malformed --url in its usage error', () => {
    const error = usageError(['chat', '--url', 'ws://exa mple/ws?tenant=a&token=SECRET']);
    expect(error.message).toMatch(/is not a URL/);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).toContain('token=***');
  });

  it('maps help and version forms', () => {
    expect(parseArgs([])).toEqual({ command: 'help', topic: undefined });
    expect(parseArgs(['--help'])).toEqual({ command: 'help', topic: undefined });
    expect(parseArgs(['help', 'serve'])).toEqual({ command: 'help', topic: 'serve' });
    expect(parseArgs(['chat', '--demo', '-h'])).toEqual({ command: 'help', topic: 'chat' });
    expect(parseArgs(['serve', '--help'])).toEqual({ command: 'help', topic: 'serve' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it.each([
    [['talk'], /unknown command 'talk'/],
    [['--nope'], /unknown option '--nope'/],
    [['chat', '--colour'], /unknown option '--colour' for chat/],
    [['chat', '--url'], /option --url needs a value/],
    [['chat', '--url', '--demo'], /option --url needs a value/],
    [['chat', '--url='], /needs a non-empty value/],
    [['chat', '--demo=1'], /--demo takes no value/],
    [['chat', 'hello'], /unexpected argument 'hello'/],
    [['chat', '--url', 'http://h/ws'], /ws:\/\/ or wss:\/\//],
    [['chat', '--url', 'not a url'], /is not a URL/],
    [['serve', '--port', '70000'], /--port must be an integer/],
    [['serve', '--port', 'x'], /--port must be an integer/],
    [['serve', '--yes'], /unknown option '--yes' for serve/],
    [['serve', '--delay', 'slow'], /--delay must be a number of milliseconds/],
    [['chat', '--delay', '-5'], /--delay needs a value|--delay must be a number/],
    [['chat', '--url', 'ws://h/ws', '--delay', '10'], /--delay paces the embedded demo server/],
    [['help', 'me'], /no help on 'me'/],
  ])('rejects %j with a USAGE error', (argv, message) => {
    const error = usageError(argv);
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/see: smooth-rx .*--help/);
  });
});

describe('helpText', () => {
  it('documents every command and flag', () => {
    expect(helpText(undefined)).toMatch(/smooth-rx chat --demo --yes/);
    for (const flag of ['--url', '--agent', '--token', '--user', '--email', '--yes', '--demo', '--verbose', '--no-color', '--delay']) expect(helpText('chat')).toContain(flag);
    for (const flag of ['--port', '--host', '--token', '--delay']) expect(helpText('serve')).toContain(flag);
  });
});
