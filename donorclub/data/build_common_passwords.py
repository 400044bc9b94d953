"""Builds common-passwords.txt.gz, the list of breached and guessable passwords new passwords
are checked against (services/passwords.py). Run from the checkout after changing a list:

    .venv/bin/python donorclub/data/build_common_passwords.py

The hand-written lists below are the passwords that lead every published analysis of large
breaches, worldwide and in China, written down from memory for this project (no other
project's file was copied). The rest is generated: keyboard walks, repeated and sequential
digits, every date 1940-2025 as yyyymmdd, and common words and pinyin with the years, digits
and lucky numbers people append. Entries are lower case (the check ignores case), one a line,
sorted, gzip'd without a timestamp so the same lists always give the same file.
"""
from __future__ import annotations

import gzip
from datetime import date, timedelta
from pathlib import Path

OUTPUT = Path(__file__).with_name("common-passwords.txt.gz")


def _listed(text: str) -> list[str]:
    """The whitespace-separated entries of a block of text."""
    return text.split()


# The top of the worldwide breach tallies, as they are typed.
WORLDWIDE = _listed("""
123456 password 123456789 12345678 12345 qwerty 1234567 111111 1234567890 123123 abc123 1234
password1 iloveyou 1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess letmein 654321
monkey 27653 1qaz2wsx 123321 qwertyuiop superman asdfghjkl trustno1 football baseball welcome
shadow master michael jennifer hunter hunter2 666666 888888 123qwe 7777777 121212 killer jordan
jordan23 harley ranger buster soccer hockey batman andrew tigger charlie robert thomas daniel
starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn 555555 11111111
131313 freedom 987654321 ginger summer cookie maggie flower passw0rd p@ssw0rd p@ssword pa$$word
admin admin123 admin1234 administrator root toor test test123 test1234 guest guest123 qazwsx
qwe123 1q2w3e q1w2e3r4 asdf1234 qwer1234 zxcvbnm 123abc aa123456 a123456 a12345678 a123456789
abc12345 abcd1234 abcdef abcdefg abcdefgh abcdefghi abcdefghij iloveyou1 lovely loveme
whatever nothing secret changeme default login access mustang shadow1 liverpool chelsea arsenal
manchester barcelona realmadrid juventus pokemon naruto minecraft fortnite roblox snoopy hello
hello123 hellokitty helloworld welcome1 welcome123 password123 password12 password1234
password12345 passwort motdepasse contrasena senha parola wachtwoord salasana haslo qwertz
azerty qwertzuiop azertyuiop 123456a 123456aa 123456abc 1234abcd 1234qwer 12qwaszx 1qazxsw2
zaq1xsw2 1qaz@wsx !qaz2wsx 1qaz!qaz q1w2e3r4t5 q1w2e3r4t5y6 1q2w3e4r5t 1q2w3e4r5t6y qweasdzxc
qweasd asdasd zxczxc qweqwe asdqwe123 qwe123qwe 159753 147258369 741852963 963852741 789456123
456123 147258 159357 852456 123654 1478963 14789632 147896325 9876543210 0987654321 1029384756
0147258369 1357924680 2468013579 iloveyou2 iloveu iloveyou! loveyou love123 baby123 babygirl
sweetheart angel angel1 charlie1 michael1 jessica1 ashley ashley1 bailey qazwsxedc qazxswedc
qwertyu qwerty1 qwerty12 qwerty1234 qwerty12345 qwertyuiop123 1qaz2wsx3edc zaq12wsxcde3
asdfghjkl123 zxcvbnm123 aaaaaa aaaaaaaa aaaaaaaaaa abcabc abcabcabc 123abc123 abc123abc
abc123456 abcd123456 a1b2c3 a1b2c3d4 a1b2c3d4e5 1a2b3c4d 1a2b3c4d5e princess1 sunshine1
football1 baseball1 superman1 batman1 dragon1 monkey1 master1 letmein1 trustno11 whatever1
welcome2 passpass password! password1! p@ssw0rd1 p@ssword1 passw0rd1 pass1234 pass123 pass12345
mypassword mypass yourpassword thepassword newpassword oldpassword password0 password2
password3 password11 password99 passwordpassword qwertyqwerty asdfasdf zxcvzxcv 1234512345
123456123456 12341234 123123123 123123123123 112233445566 1122334455 11223344 111222333
111222333444 123454321 12344321 1234554321 123456654321 147852369 147852 258369 369258147
correcthorsebatterystaple letmein123 iloveyou123 iloveyou12
princess123 sunshine123 football123 dragon123 monkey123 shadow123 master123 superman123
batman123 michael123 charlie123 qwerty123456 qwerty12345678 1qaz2wsx3edc4rfv zaq1zaq1 1qaz1qaz
qwerasdf qwerasdfzxcv qwer1234asdf asdfqwer zxcvasdf 1234qwerasdf 1234qwerasdfzxcv
michaeljordan starwars1 startrek matrix matrix1 cheese cheese123 banana banana123 orange
orange123 apple apple123 cherry cherry123 purple purple123 yellow silver golden diamond
forever friends family angels heaven heaven123 lover baby sweet honey kitten garfield mickey
mickeymouse internet welcome! trustme believe jesus jesus1 jesus123 jesuschrist god godisgood
blessed blessed1 faith hope grace christ church blink182 linkinpark metallica nirvana
eminem beyonce rihanna justinbieber onedirection harrypotter hogwarts gandalf frodo zelda
mario nintendo playstation xbox360 counterstrike warcraft wow123 runescape steam
""")

# What the Chinese breaches (CSDN, Tianya, 7k7k, 178, Renren and others) are full of.
CHINA = _listed("""
123456 123456789 111111 5201314 1314520 520520 521521 5211314 1314521 woaini woaini1314
woaini520 woaini521 woaini123 woaini1234 woaini12345 woaini123456 woaini666 woaini888
woaini1314520 woaini5201314 5201314woaini iloveyou1314 iloveyou520 aini1314 aini520 aini521
5201314a a5201314 aa5201314 5201314520 1314520520 5201314521 52013141314 131452099 7758521
7758258 584520 3344520 3344521 1314258 5201314qq 5201314wo wo5201314 wodemima mima mima123
mima1234 mima123456 wodemima123 nihao nihao123 nihao123456 qq123456 qq111111 qq5201314
qq123123 qq666666 qq888888 123456qq qq12345678 qq1234567 qq123456789 xiaoming dearbook
woaiwojia woaiwoziji woaimama woaibaba woaini00 woaiwolaopo woaiwolaogong woaizhongguo
zhongguo zhongguoren zhonghua aiguo china china123 huawei xiaomi taobao alibaba tencent baidu
weixin wechat zhifubao alipay jingdong qwe520 abc520 abc1314 a520520 a1314520 aa123123
a123123 a111111 a000000 a888888 a666666 aa111111 aaa111 aaa123 aaa123456 123456abc
123456aaa 1234567a 12345678a 123456789a a1234567890 abc123456789 qwe123456 qwe123456789
asd123 asd123456 asd123456789 zxc123 zxc123456 zxc123456789 zxcvbnm123 1qaz2wsx3edc
woshishui woshiniba woshinide nishishui wangyang wangyang123 qiqi bingbing yangyang
123456789qq 147258369a 159357a 888888888 666666666 168168 518518 168888 188888 666888 888999
16888888 518888 88888888 66666666 8888888888 6666666666 168168168 518518518 123456888
123456666 888666 666999 999999 9999999999 baobao beibei tiantian xiaoxiao laopo laogong
meimei gege jiejie didi mama baba xiaobao xiaobai xiaohua xiaoyu xiaolong xiaoqiang xiaofeng
xiaoyan xiaojing xiaohong xiaolin xiaomei shanghai beijing guangzhou shenzhen wuhan chengdu
hangzhou nanjing tianjin chongqing xian shenyang dalian harbin qingdao suzhou xiamen
changsha zhengzhou kunming jinan hefei fuzhou nanchang taiyuan shijiazhuang lanzhou
""")

# Phrases people type with their spaces.
PHRASES = ["correct horse battery staple", "i love you", "let me in", "wo ai ni"]

# Everyday words and names that breach lists pair with years and digits.
WORDS = _listed("""
password iloveyou princess sunshine football baseball basketball monkey dragon shadow master
superman batman michael jennifer jessica ashley charlie daniel andrew joshua matthew thomas
robert jordan hunter soccer hockey summer winter spring autumn flower butterfly chocolate
cookie banana orange apple cherry purple yellow silver golden diamond freedom forever friend
friends family angel angels heaven lovely loveyou lover babygirl sweet sweetheart honey
kitten pepper tigger ginger snoopy garfield mickey pokemon naruto starwars matrix computer
internet welcome letmein trustno whatever qwerty admin hello secret london paris newyork
chicago america canada england germany france china japan korea india brazil mexico
australia liverpool chelsea arsenal barcelona madrid united yankees cowboys lakers eagles
steelers dallas boston tiger lion eagle wolf bear panther dolphin horse rabbit donkey chicken
killer ninja pirate warrior soldier legend player gamer monster zombie vampire wizard magic
merlin phoenix thunder lightning storm rainbow moonlight starlight galaxy universe jesus
christ blessed faith church samsung iphone google facebook twitter youtube microsoft
windows apple nokia sony toyota honda bmw mercedes porsche ferrari mustang harley yamaha
william james john david richard joseph charles christopher anthony mark steven kevin brian
george edward ryan jacob nicholas jonathan justin brandon tyler alexander benjamin samuel
patrick jack henry peter paul sarah emily elizabeth mary linda barbara susan margaret
lisa nancy karen betty helen sandra donna carol ruth sharon laura amanda melissa nicole
stephanie rebecca rachel hannah samantha katherine amber megan lauren victoria natasha
anna maria sophia olivia emma isabella chloe grace alice lucy andrea monica veronica
""")

# Pinyin that people type as passwords: surnames, given names and everyday words.
PINYIN_SURNAMES = _listed("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye
cheng wei su lu ding ren shen yao
""")
PINYIN_GIVEN = _listed("""
wei fang na min jing li qiang lei jun yang yong yan jie juan tao ming chao xiuying hua ping
gang hui yu xin hao yi bin bo peng fei long ying dan ling lin hong xia mei tingting lili
jingjing wenjun haiyan xiaoyan jianhua jianguo guoqiang
""")
PINYIN_WORDS = _listed("""
woaini aini wodemima mima nihao xiaoming baobao beibei tiantian xiaoxiao laopo laogong
meimei gege jiejie didi mama baba xiaobao xiaobai xiaohua xiaoyu xiaolong zhongguo zhonghua
aiguo qinqin aiqing xingfu kuaile pingan jiayou shengri yongyuan xihuan tiankong taiyang
yueliang xingxing haizi pengyou laoshi xuesheng shanghai beijing guangzhou shenzhen
""")
PINYIN_SUFFIXES = ["", "123", "1234", "12345", "123456", "520", "521", "1314", "5201314",
                   "888", "666", "88", "66", "168", "999"]

# What people add to a word: years, two digits, short runs, a symbol.
WORD_SUFFIXES = (
    ["", "1", "12", "123", "1234", "12345", "123456", "!", "!!", "1!", "123!", "@123", "#1",
     "01", "007", "2000", "520", "1314", "666", "888"]
    + [f"{n:02d}" for n in range(100)]
    + [str(year) for year in range(1950, 2026)]
)

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "!@#$%^&*()"]
KEYBOARD_WALKS = [
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7", "!qaz@wsx#edc$rfv", "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0", "a1s2d3f4g5h6j7k8l9", "qaswedfrtghyujkilop", "1qazxsw23edcvfr4",
    "qweasdzxcrtyfghvbn", "qwaszxerdfcvtyghbn", "12qwaszx34erdfcv", "123qweasdzxc",
    "147258369", "159753", "741852963", "963852741", "789456123", "321654987",
]


def _digit_runs() -> set[str]:
    runs = set()
    for digit in "0123456789":
        for length in range(6, 17):
            runs.add(digit * length)
    cycle = "01234567890123456789"
    for start in range(10):
        for length in range(6, 13):
            up = cycle[start:start + length]
            runs.add(up)
            runs.add(up[::-1])
    for block in ("12", "123", "1234", "12345", "123456", "11", "00", "10", "21", "69", "88",
                  "520", "1314", "110", "119", "007"):
        for times in range(2, 7):
            if 6 <= len(block * times) <= 16:
                runs.add(block * times)
    for a in "0123456789":
        for b in "0123456789":
            if a != b:
                runs.add((a + b) * 3)
                runs.add((a + b) * 4)
                runs.add((a + b) * 5)
                runs.add(a * 3 + b * 3)
                runs.add(a * 4 + b * 4)
                runs.add(a * 5 + b * 5)
    return runs


def _keyboard() -> set[str]:
    walks = set()
    for line in KEYBOARD_ROWS + KEYBOARD_WALKS:
        for length in range(6, len(line) + 1):
            walks.add(line[:length])
            walks.add(line[:length][::-1])
    rows = KEYBOARD_ROWS[1:4]
    for length in range(3, 8):
        starts = [row[:length] for row in rows]
        walks.add("".join(starts))
        for first in starts:
            for second in starts:
                walks.add(first + second)
    for walk in list(w for w in walks if len(w) <= 8):
        for digits in ("1", "12", "123", "1234", "12345", "123456", "!", "520", "1314"):
            walks.add(walk + digits)
            walks.add(digits + walk)
    for short in ("qwe", "asd", "zxc", "qwer", "asdf", "zxcv", "abc", "abcd", "qaz", "wsx"):
        walks.add(short * 2)
        walks.add(short * 3)
        walks.add(short + "123" + short)
        walks.add("123" + short + "123")
    return walks


def _dates() -> set[str]:
    day, last, found = date(1940, 1, 1), date(2025, 12, 31), set()
    while day <= last:
        found.add(day.strftime("%Y%m%d"))
        day += timedelta(days=1)
    return found


def _leet(word: str) -> set[str]:
    table = {"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"}
    variants = {word}
    for plain, replacement in table.items():
        variants |= {variant.replace(plain, replacement) for variant in variants}
    return variants


def _words() -> set[str]:
    found = set()
    for word in set(WORDS) | set(WORLDWIDE[:60]):
        for suffix in WORD_SUFFIXES:
            found.add(word + suffix)
    for word in ("password", "iloveyou", "welcome", "admin", "master", "monkey", "dragon",
                 "qwerty", "letmein", "secret", "passwort", "princess", "sunshine"):
        for variant in _leet(word):
            for suffix in ("", "1", "12", "123", "1234", "!", "123!", "2024", "2025"):
                found.add(variant + suffix)
    return found


def _pinyin() -> set[str]:
    stems = set(PINYIN_WORDS)
    for surname in PINYIN_SURNAMES:
        stems.add(surname + surname)  # "wangwang"
        for given in PINYIN_GIVEN:
            stems.add(surname + given)
    found = set()
    for stem in stems:
        for suffix in PINYIN_SUFFIXES:
            found.add(stem + suffix)
    for surname in PINYIN_SURNAMES:
        for suffix in ("123456", "5201314", "1314520", "888888", "666666"):
            found.add(surname + suffix)
    return found


def build() -> list[str]:
    """Every entry, lower case, sorted."""
    entries = set(WORLDWIDE) | set(CHINA) | set(PHRASES) | _digit_runs() | _keyboard() | _dates()
    entries |= _words() | _pinyin()
    return sorted({entry.lower() for entry in entries if entry.strip()})


def write(path: Path = OUTPUT) -> int:
    """Write the gzip'd list to `path` and return how many entries it has."""
    entries = build()
    data = ("\n".join(entries) + "\n").encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                               filename="") as packed:
        packed.write(data)
    return len(entries)


if __name__ == "__main__":
    print(f"{write()} entries written to {OUTPUT}")
