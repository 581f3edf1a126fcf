// Debian's own bash, coreutils, grep, sed, gawk, findutils, tar, gzip and
// diffutils under tuxglass versus Linux: dynamically linked programs through
// ld.so, doing text processing and file work whose output depends only on
// what they do, never on the kernel's identity, the time or inode numbers.
// The two runs must agree byte for byte, exit status included.
import { after, describe, test } from 'node:test';
import { diffCase, prepareDiff, type DiffCase, type Expect } from './harness.js';

const env = await prepareDiff('debian');

function bash(name: string, script: string, expect: Expect = {}, extra: Partial<DiffCase> = {}): DiffCase {
  return { name, argv: ['/bin/bash', '-c', script], expect, ...extra };
}

const cases: DiffCase[] = [
  // bash itself.
  bash(
    'bash: variables, arrays and parameter expansion',
    'a=(one two three); echo ${#a[@]} ${a[1]} ${a[@]:1}; declare -A m=([x]=1 [y]=2); echo ${m[y]}; s=hello.tar.gz; echo ${s%%.*} ${s#*.} ${s/l/L} ${s//l/L} ${#s} ${s^^} ${s:1:3}; unset u; echo ${u:-dflt} ${u:=set} $u',
    { stdout: '3 two two three\n2\nhello tar.gz heLlo.tar.gz heLLo.tar.gz 12 HELLO.TAR.GZ ell\ndflt set set\n' },
  ),
  bash(
    'bash: [[ ]], regex and arithmetic',
    'x=abc123; [[ $x =~ ^([a-z]+)([0-9]+)$ ]] && echo ${BASH_REMATCH[1]}-${BASH_REMATCH[2]}; [[ $x == a*3 ]] && echo glob; (( 2**10 == 1024 )) && echo pow; echo $(( (7 << 2) | 1 )) $(( 17 % 5 )) $(( -7 / 2 )) $((16#ff)) $((2#1011)); let i=5 i*=3; echo $i',
    { stdout: 'abc-123\nglob\npow\n29 2 -3 255 11\n15\n' },
  ),
  bash(
    'bash: functions, local, return codes and traps',
    'f() { local v=$1; echo "in f: $v"; return $(( v + 1 )); }; f 4; echo rc=$?; trap "echo bye" EXIT; g() { false; }; g || echo g-failed; set -e; true; echo done',
    { stdout: 'in f: 4\nrc=5\ng-failed\ndone\nbye\n' },
  ),
  bash(
    'bash: loops, case, brace expansion and printf -v',
    'for i in {1..5}; do case $i in 1|2) echo low;; 3) continue;; *) echo high $i;; esac; done; echo {a,b}{x,y} {01..03}; printf -v out "%05.1f|%-4s|%x" 3.14159 ab 255; echo "$out"; i=0; while (( i < 3 )); do ((i++)); done; echo $i; until [ $i -eq 0 ]; do i=$((i-1)); done; echo $i',
    { stdout: 'low\nlow\nhigh 4\nhigh 5\nax ay bx by 01 02 03\n003.1|ab  |ff\n3\n0\n' },
  ),
  bash(
    'bash: here-strings, here-docs, read and mapfile',
    'read -r a b <<< "first second third"; echo "$b|$a"; mapfile -t lines <<EOF\nl1\nl2\nl3\nEOF\necho ${#lines[@]} ${lines[2]}; while IFS=: read -r user _ uid _; do [ "$uid" = 0 ] && echo "$user"; done < /etc/passwd; cat <<-X\n\tindented\n\tX',
    { stdout: 'second third|first\n3 l3\nroot\nindented\n' },
  ),
  bash(
    'bash: subshells, command substitution, pipes and PIPESTATUS',
    'x=$(echo outer; (echo inner)); echo "$x" | wc -l; (exit 3); echo sub=$?; false | true | (exit 4); echo ${PIPESTATUS[@]}; set -o pipefail; false | true; echo pf=$?; echo "$(echo "$(echo nested)")"',
    { stdout: '2\nsub=3\n1 0 4\npf=1\nnested\n' },
  ),
  bash(
    'bash: process substitution through /dev/fd',
    'diff <(printf "a\\nb\\n") <(printf "a\\nc\\n"); echo rc=$?; cat <(echo from-fd); while read l; do echo "got $l"; done < <(seq 2)',
    { stdout: '2c2\n< b\n---\n> c\nrc=1\nfrom-fd\ngot 1\ngot 2\n' },
  ),
  bash(
    'bash: redirections, exec and file descriptors',
    'cd /tmp; exec 3>out; echo to3 >&3; exec 3>&-; cat out; { echo o; echo e >&2; } 2>err >std; cat std err; ls /nonexistent 2>&1 >/dev/null | wc -l; echo app >> out; cat out; exec 4<out; read -u 4 l; echo "$l"; echo x > /dev/null; echo $?',
    { stdout: 'to3\no\ne\n1\nto3\napp\nto3\n0\n' },
  ),
  bash(
    'bash: background jobs and wait',
    '(sleep 0.1; echo late) & p=$!; echo early; wait $p; echo waited=$?; (exit 7) & wait $!; echo st=$?; for i in 1 2 3; do (echo job$i > /tmp/j$i) & done; wait; cat /tmp/j1 /tmp/j2 /tmp/j3',
    { stdout: 'early\nlate\nwaited=0\nst=7\njob1\njob2\njob3\n' },
  ),
  bash(
    'bash: getopts, shift, set -- and $@',
    'set -- -a -b val rest1 rest2; while getopts "ab:" o; do echo "opt $o ${OPTARG:-}"; done; shift $((OPTIND-1)); echo "$# $*"; f() { echo "$#:$1:${@: -1}"; }; f "x y" z',
    { stdout: 'opt a \nopt b val\n2 rest1 rest2\n2:x y:z\n' },
  ),
  bash('bash: syntax error and exit status of an unknown command', 'nosuchcommand; echo rc=$?; bash -c "if then"; echo rc=$?; bash -c "exit 42"; echo rc=$?', {
    stdout: 'rc=127\nrc=2\nrc=42\n',
    stderr: /nosuchcommand: command not found/,
  }),
  bash('bash: exit status passes through', 'echo out; exit 9', { stdout: 'out\n', status: 9 }),

  // coreutils.
  bash(
    'printf and seq',
    "printf '%s-%d-%5.2f-%o-%X-%e\\n' s 42 3.14159 8 255 1234.5; printf '%b\\n' 'a\\tb'; printf '%q\\n' 'a b'; seq 3; seq -s, 2 2 10; seq -w 8 11; seq 1 0.5 2; seq -f '%03g' 3",
    { stdout: 's-42- 3.14-10-FF-1.234500e+03\na\tb\na\\ b\n1\n2\n3\n2,4,6,8,10\n08\n09\n10\n11\n1.0\n1.5\n2.0\n001\n002\n003\n' },
  ),
  bash(
    'echo, yes, head and tail',
    'echo -e "a\\nb" ; echo -n x; echo; yes abc | head -3; seq 100 | tail -3; seq 10 | head -n -7; seq 10 | tail -n +9; head -c 10 /etc/passwd | wc -c',
    { stdout: 'a\nb\nx\nabc\nabc\nabc\n98\n99\n100\n1\n2\n3\n9\n10\n10\n' },
  ),
  bash(
    'sort: keys, numeric, version, unique, reverse and stable',
    "printf 'b 2\\na 10\\nc 1\\na 2\\n' > /tmp/s; sort /tmp/s; sort -k2n /tmp/s; sort -k1,1 -k2nr /tmp/s; sort -u -k1,1 /tmp/s; printf '1.10\\n1.2\\n1.9\\n' | sort -V; printf '3\\n1\\n2\\n' | sort -rn; printf 'x,3\\ny,1\\n' | sort -t, -k2; printf 'B\\na\\nC\\n' | sort -f; sort -c /tmp/s; echo rc=$?",
    { stdout: /^a 10\na 2\nb 2\nc 1\n/ },
  ),
  bash(
    'join, comm and paste',
    "cd /tmp; printf '1 a\\n2 b\\n3 c\\n' > l; printf '1 x\\n3 z\\n4 w\\n' > r; join l r; join -a1 l r; join -v2 l r; printf 'a\\nb\\nc\\n' > c1; printf 'b\\nc\\nd\\n' > c2; comm c1 c2; comm -12 c1 c2; paste c1 c2; paste -sd, c1; paste -d: c1 c2",
    { stdout: /^1 a x\n3 c z\n1 a x\n2 b\n3 c z\n4 w\n/ },
  ),
  bash(
    'split and csplit',
    'cd /tmp; seq 10 > n; split -l 4 n part_; ls part_*; cat part_ac; split -b 5 -d n b_; ls b_* | wc -l; csplit -s n 5; cat xx00 | tr "\\n" " "; echo; wc -l xx01',
    { stdout: 'part_aa\npart_ab\npart_ac\n9\n10\n5\n1 2 3 4 \n6 xx01\n' },
  ),
  bash(
    'cut, tr, fold, expand and nl',
    "echo 'a:b:c' | cut -d: -f2-; echo abcdef | cut -c1,3-4; echo hello | tr a-y b-z; echo 'a  b   c' | tr -s ' '; echo abc123 | tr -cd 0-9; echo; echo abcdefghij | fold -w 4; printf 'a\\tb\\n' | expand -t 4; printf 'x\\ny\\n\\nz\\n' | nl; printf 'a  b\\n' | unexpand -a | od -c | head -1",
    { stdout: /^b:c\nacd\nifmmp\na b c\n123\nabcd\nefgh\nij\na {3}b\n/ },
  ),
  bash(
    'wc, tac, rev, uniq and fmt',
    "printf 'one two\\nthree\\n' > /tmp/w; wc /tmp/w; wc -lwc < /tmp/w; tac /tmp/w; echo abc | rev; printf 'a\\na\\nb\\na\\n' | uniq -c; printf 'a\\nA\\n' | uniq -i; echo 'the quick brown fox jumps over the lazy dog' | fmt -w 15",
    { stdout: /^ 2 {2}3 14 \/tmp\/w\n/ },
  ),
  bash(
    'od, base64, base32 and basenc',
    "printf 'hi\\0\\377' | od -An -c; printf 'hello' | od -An -tx1; echo 'tuxglass' | base64; echo dHV4Z2xhc3MK | base64 -d; echo abc | base32; printf abc | basenc --base16",
    { stdout: /^\s+h\s+i\s+\\0 377\n 68 65 6c 6c 6f\ndHV4Z2xhc3MK\ntuxglass\n/ },
  ),
  bash(
    'checksums',
    'printf abc | md5sum; printf abc | sha1sum; printf abc | sha256sum; printf abc | sha512sum | cut -c1-40; printf abc | b2sum | cut -c1-40; printf abc | cksum; cd /tmp; echo x > f; sha256sum f > f.sum; sha256sum -c f.sum',
    { stdout: /^900150983cd24fb0d6963f7d28e17f72 {2}-\n/ },
  ),
  bash(
    'factor, numfmt, expr and test',
    'factor 360 97 1001; numfmt --to=iec 1048576 1536; numfmt --from=si 2K; expr 6 \\* 7; expr length tuxglass; test 5 -gt 3 && echo gt; [ -d / ] && echo dir; [ abc \\< abd ] && echo less',
    { stdout: '360: 2 2 2 3 3 5\n97: 97\n1001: 7 11 13\n1.0M\n1.5K\n2000\n42\n8\ngt\ndir\nless\n' },
  ),
  bash(
    'date -d and date formats (UTC)',
    "export TZ=UTC; date -d @0; date -u -d '2024-02-29 13:45:06' '+%Y-%m-%d %H:%M:%S %j %a %b %s'; date -d '2024-01-31 + 1 month' +%F; date -d @1700000000 -R; date -d '2000-01-01' +%u%V; date -u -d @86399 +%T",
    { stdout: 'Thu Jan  1 00:00:00 UTC 1970\n2024-02-29 13:45:06 060 Thu Feb 1709214306\n2024-03-02\nTue, 14 Nov 2023 22:13:20 +0000\n652\n23:59:59\n' },
  ),
  bash(
    'file operations in /tmp: mkdir, cp, mv, ln, rm, rmdir',
    'cd /tmp; mkdir -p a/b/c; echo data > a/b/c/f; cp -r a a2; mv a2/b/c/f a2/g; ls -R a2; ln -s a2/g sl; cat sl; ln a2/g hard; ls -l hard | cut -c1-11; rm -r a2/b; rmdir a/b/c 2>&1 | cut -d: -f1; rm a/b/c/f; rmdir -p a/b/c; ls -d a 2>&1; readlink sl',
    { stdout: /^a2:\nb\ng\n\na2\/b:\nc\n\na2\/b\/c:\ndata\n-rw-r--r-- \n/ },
  ),
  bash(
    'chmod, touch -d, ls -l of files and stat -c',
    "cd /tmp; umask 022; touch f; chmod 640 f; mkdir d; chmod u=rwx,g=rx,o= d; touch -d '2021-03-04 05:06:07' f; ls -l --time-style=+%F_%T f | cut -d' ' -f1,6-; stat -c '%a %A %F %s %n' f d | sed 's/ [0-9]* d$/ d/'; chmod +x f; [ -x f ] && echo exec; chmod -R go-rwx d; stat -c %a d; install -m 755 f g; stat -c %a g",
    { stdout: /^-rw-r----- 2021-03-04_05:06:07 f\n640 -rw-r----- regular empty file 0 f\n750 drwxr-x--- directory / },
  ),
  bash(
    'dd, truncate, cmp and sizes',
    'cd /tmp; dd if=/dev/zero of=z bs=1k count=3 status=none; stat -c %s z; truncate -s 10 z; stat -c %s z; printf abc > a; printf abd > b; cmp a b; echo rc=$?; cmp -l a b; dd if=/etc/passwd bs=4 count=2 skip=1 status=none | wc -c; head -c 100000 /dev/zero | tr "\\0" x | wc -c',
    { stdout: /^3072\n10\na b differ: (byte|char) 3, line 1\nrc=1\n\s*3 143 144\n8\n100000\n$/ },
  ),
  bash(
    'find: names, types, depth, -exec and -printf',
    "cd /tmp; mkdir -p t/x/y; touch t/a.txt t/x/b.txt t/x/y/c.log; touch -d 2020-01-01 t/a.txt; find t -name '*.txt' | sort; find t -type d | sort; find t -mindepth 2 -type f | sort; find t -name '*.log' -exec basename {} \\; ; find t -type f -printf '%f %d\\n' | sort; find t -newer t/a.txt -type f | wc -l; find t -empty -type f | wc -l",
    { stdout: /^t\/a\.txt\nt\/x\/b\.txt\nt\nt\/x\nt\/x\/y\nt\/x\/b\.txt\nt\/x\/y\/c\.log\nc\.log\na\.txt 1\nb\.txt 2\nc\.log 3\n/ },
  ),
  bash(
    'xargs',
    "seq 5 | xargs echo; seq 5 | xargs -n 2 echo; printf 'a b\\0c\\0' | xargs -0 -I{} echo '[{}]'; echo 1 2 3 | xargs -n1 expr 10 +; seq 3 | xargs -P1 -I% sh -c 'echo item %'",
    { stdout: '1 2 3 4 5\n1 2\n3 4\n5\n[a b]\n[c]\n11\n12\n13\nitem 1\nitem 2\nitem 3\n' },
  ),
  bash(
    'grep: regex flavours, context and counts',
    "printf 'alpha\\nbeta\\ngamma\\ndelta\\nepsilon\\n' > /tmp/g; grep -n a /tmp/g | head -2; grep -c ta /tmp/g; grep -E '^(b|d)' /tmp/g; grep -v a /tmp/g; grep -o 'l[a-z]' /tmp/g; grep -A1 gamma /tmp/g; grep -w beta /tmp/g; grep -P 'e(?=t)' /tmp/g; grep -rl delta /tmp; grep -q nothere /tmp/g; echo rc=$?; grep -x -F gamma /tmp/g",
    { stdout: /^1:alpha\n2:beta\n2\nbeta\ndelta\nepsilon\nlp\nlt\n/ },
  ),
  bash(
    'sed: substitutions, addresses, hold space and -i',
    "printf 'one\\ntwo\\nthree\\nfour\\n' > /tmp/s; sed -n '2,3p' /tmp/s; sed 's/o/0/g;3q' /tmp/s; sed -E 's/(t)(w|h)/\\2\\1/' /tmp/s; sed '1!G;h;$!d' /tmp/s; sed '/two/a inserted' /tmp/s | head -3; sed -i.bak 's/four/FOUR/' /tmp/s; tail -1 /tmp/s; tail -1 /tmp/s.bak; sed = /tmp/s | head -2; echo hello | sed 'y/abcdefghij/ABCDEFGHIJ/'",
    { stdout: /^two\nthree\n0ne\ntw0\nthree\none\nwto\nhtree\nfour\nfour\nthree\ntwo\none\none\ntwo\ninserted\nFOUR\nfour\n1\none\nHEllo\n$/ },
  ),
  bash(
    'gawk: fields, arrays, printf, functions and gensub',
    `printf 'a 1\\nb 2\\na 3\\n' | awk '{s[$1]+=$2} END {n=asorti(s, k); for (i=1;i<=n;i++) printf "%s=%d\\n", k[i], s[k[i]]}'; awk 'BEGIN{printf "%5.2f|%-3s|%c\\n", 3.14159, "x", 65; print length("abc"), substr("hello",2,3), index("abc","c"), toupper("q"), 2^10, int(7/2)}'; echo 'a,b,,d' | awk -F, '{print NF; $2="B"; print}' OFS=';'; awk 'function f(x){return x*x} BEGIN{print f(7)}'; echo foo-bar | awk '{print gensub(/(o+)/, "<\\\\1>", "g")}'; awk 'BEGIN{srand(1); x=rand(); print (x>=0 && x<1)}'; awk --version | head -1 | cut -d, -f1`,
    { stdout: /^a=4\nb=2\n 3\.14\|x {2}\|A\n3 ell 3 Q 1024 3\n4\na;B;;d\n49\nf<oo>-bar\n1\nGNU Awk 5/ },
  ),
  bash(
    'diff and cmp of files',
    "cd /tmp; printf 'a\\nb\\nc\\nd\\n' > x; printf 'a\\nB\\nc\\nd\\ne\\n' > y; diff x y; echo rc=$?; diff -u x y | tail -n +3; diff -q x y; diff x x; echo same=$?; diff -c x y | tail -n +4 | head -5; diff --side-by-side -W 20 x y",
    { stdout: /^2c2\n< b\n---\n> B\n4a5\n> e\nrc=1\n/, status: 1 },
  ),
  bash(
    'tar: create, list, extract, and gzip compression',
    'cd /tmp; mkdir -p src/sub; echo one > src/f1; echo two > src/sub/f2; tar cf a.tar src; tar tf a.tar | sort; mkdir out; tar xf a.tar -C out; cat out/src/sub/f2; tar czf a.tgz src; tar tzf a.tgz | sort | tail -1; tar xzf a.tgz -C out --strip-components=1; cat out/f1; tar cf - src | tar tvf - | wc -l',
    { stdout: 'src/\nsrc/f1\nsrc/sub/\nsrc/sub/f2\ntwo\nsrc/sub/f2\none\n4\n' },
  ),
  bash(
    'gzip, gunzip and zcat',
    'cd /tmp; seq 1000 > n; gzip -k n; ls n n.gz; gzip -l n.gz | tail -1 | tr -s " " | cut -d" " -f3; zcat n.gz | tail -1; gzip -dc n.gz | md5sum; md5sum < n; gunzip -f n.gz; wc -l n; echo hello | gzip -9 | gzip -d; gzip -t n 2>&1; echo rc=$?; printf garbage | gzip -dc 2>&1; echo rc=$?',
    { stdout: /^n\nn\.gz\n\d+\n1000\n[0-9a-f]{32} {2}-\n/ },
  ),
  bash(
    'tee, env, printenv and id',
    'echo hi | tee /tmp/t1 | tr a-z A-Z; cat /tmp/t1; env -i A=1 B=2 env | sort; printenv HOME; env -u HOME printenv HOME; echo rc=$?; id -u; id -un; id -gn; whoami; groups',
    { stdout: 'HI\nhi\nA=1\nB=2\n/root\nrc=1\n0\nroot\nroot\nroot\nroot\n' },
  ),
  bash(
    'basename, dirname, realpath and readlink',
    'cd /tmp; mkdir -p r/s; ln -s r/s lnk; basename /a/b/c.txt .txt; dirname /a/b/c.txt; realpath lnk; readlink -f lnk/../s; realpath -m /x/../y/./z; realpath --relative-to=/usr/bin /usr/lib; basename -a /x/y /z/w',
    { stdout: 'c\n/a/b\n/tmp/r/s\n/tmp/r/s\n/y/z\n../lib\ny\nw\n' },
  ),
  bash('tsort and pr', "printf 'a b\\nb c\\na c\\n' | tsort; seq 3 | pr -t -2", { stdout: /^a\nb\nc\n1\s+3\n2\n$/ }),
  bash(
    'head/tail of stdin bytes, and sort of a large input',
    'seq 5000 | sort -rn | head -2; seq 5000 | sort | tail -1; seq 2000 | shuf --random-source=/etc/passwd | sort -n | md5sum; seq 1 3 | tac',
    { stdout: /^5000\n4999\n999\n[0-9a-f]{32} {2}-\n3\n2\n1\n$/ },
  ),
  bash('stdin passes through', 'tr a-z A-Z; wc -c < /etc/hostname', { stdout: 'PIPED INPUT\n9\n' }, { input: 'piped input\n' }),
  bash('locale-independent ls of /tmp and sorting of names', 'cd /tmp; touch b a C _d; ls; ls -r; ls -1 -A | head -3; ls -m; echo *', {
    stdout: 'C\n_d\na\nb\nb\na\n_d\nC\nC\n_d\na\nC, _d, a, b\nC _d a b\n',
  }),
  bash('dash as /bin/sh runs scripts', 'sh -c \'echo $((1+2)); [ "$(readlink /bin/sh)" = dash ] && echo dash; x=1; f() { x=2; }; f; echo $x\'', {
    stdout: '3\ndash\n2\n',
  }),
  bash('vim.tiny in ex mode edits a file', "cd /tmp; printf 'one\\ntwo\\n' > v; vim.tiny -u NONE -i NONE -es -c '%s/o/0/g' -c 'wq' v; cat v", {
    stdout: '0ne\ntw0\n',
  }),
  bash('less as a pipe filter and hostname from /etc', 'printf "l1\\nl2\\n" | less -FX; cat /etc/hostname; hostname -s 2>/dev/null | wc -l', {
    stdout: 'l1\nl2\ntuxglass\n1\n',
  }),
];

describe('Debian userland: tuxglass against Linux', { skip: env.skip ?? false, concurrency: 2 }, () => {
  after(() => env.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env, c));
});
