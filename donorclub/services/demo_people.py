"""Names and a blood-group mix for the demo clubs' made-up members."""
from ..domain.enums import BloodGroup

CN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
CN_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
             "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕",
             "晓东", "立新", "春梅", "国庆", "红梅", "玉兰", "文博", "雪", "子涵", "宇航"]
EN_GIVEN_F = ["Emma", "Olivia", "Ava", "Sophia", "Grace", "Hannah", "Chloe", "Maya", "Nora",
               "Leah", "Ruth", "Alice"]
EN_GIVEN_M = ["James", "Liam", "Noah", "Ethan", "Daniel", "Samuel", "Owen", "Lucas", "Henry",
               "Caleb", "David", "Isaac"]
EN_SURNAMES = ["Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Wilson",
                "Anderson", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris",
                "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott"]
BLOOD_GROUPS = [(BloodGroup.O_POS, 30), (BloodGroup.A_POS, 28), (BloodGroup.B_POS, 25),
                 (BloodGroup.AB_POS, 8), (BloodGroup.O_NEG, 3), (BloodGroup.A_NEG, 3),
                 (BloodGroup.B_NEG, 2), (BloodGroup.AB_NEG, 1)]
