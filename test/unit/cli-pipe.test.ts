/** The shinchoku command piped into a reader that stops early (`| head`) ends without a stack trace. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('shinchoku plan export | head', () => {
  it('ends quietly, exit 0, when the reader closes the pipe', async () => {
    // Prepare: the catalog is larger than a pipe's buffer, so writes are still pending when head exits
    const bin = fileURLToPath(new URL('../../bin/shinchoku.js', import.meta.url));
    const script = `"${process.execPath}" "${bin}" plan export | head -c 10 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Act
    await new Promise((resolve) => child.on('close', resolve));
    // Assess
    expect(stderr).not.toContain('EPIPE');
    expect(stdout.trim()).toBe('exit=0');
  }, 30_000);
});
